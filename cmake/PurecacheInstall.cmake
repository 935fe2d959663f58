# cmake --install: headers, both libraries, purecache-sim, and a relocatable CMake package
# (purecacheConfig.cmake, version file, one exported-targets file per library). cpack -G DEB
# packages the same tree.

include(CMakePackageConfigHelpers)

set(PURECACHE_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/purecache)

install(TARGETS purecache_cache EXPORT purecacheCacheTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/lib/cache/include/ ${PROJECT_BINARY_DIR}/lib/cache/include/
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)
install(EXPORT purecacheCacheTargets NAMESPACE purecache:: DESTINATION ${PURECACHE_CMAKE_DIR}
        COMPONENT dev)

if(PURECACHE_BUILD_SIM)
  install(TARGETS purecache_sim EXPORT purecacheSimTargets
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/lib/sim/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
          COMPONENT dev)
  install(EXPORT purecacheSimTargets NAMESPACE purecache:: DESTINATION ${PURECACHE_CMAKE_DIR}
          COMPONENT dev)
  install(TARGETS purecache-sim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT sim)
endif()

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/purecacheConfig.cmake.in
  ${PROJECT_BINARY_DIR}/purecacheConfig.cmake INSTALL_DESTINATION ${PURECACHE_CMAKE_DIR})
# 0.x releases make no promise across minor versions.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/purecacheConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/purecacheConfig.cmake
              ${PROJECT_BINARY_DIR}/purecacheConfigVersion.cmake
        DESTINATION ${PURECACHE_CMAKE_DIR} COMPONENT dev)
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT dev)

# One Debian package with everything: the library for developers and the simulator.
set(CPACK_PACKAGE_NAME purecache)
set(CPACK_PACKAGE_VENDOR "purecache developers")
set(CPACK_PACKAGE_CONTACT "purecache developers <maintainers@purecache.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
# purecache-sim links libzstd; purecache::sim users also compile against zstd and nlohmann_json.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6, libstdc++6 (>= 12), libzstd1")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "libzstd-dev, nlohmann-json3-dev")
include(CPack)
