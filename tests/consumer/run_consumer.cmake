# Builds and runs tests/consumer against purecache, as a user's project would:
#   cmake -DMODE=package -DPURECACHE_BUILD_DIR=B -DWORK_DIR=W [-DCXX=...] [-DBUILD_TYPE=...] [-DTRACE=T] -P run_consumer.cmake
#     (with TRACE, purecache::sim must be found too, and consumer_sim replays TRACE)
#     installs the build tree B into W/prefix, then find_package()s it from there;
#   -DMODE=subdirectory -DPURECACHE_SOURCE_DIR=S ...   add_subdirectory()s the source tree S;
#   -DMODE=system ...                                   find_package()s from the system (a .deb).
cmake_minimum_required(VERSION 3.25)

foreach(required MODE WORK_DIR)
  if(NOT DEFINED ${required})
    message(FATAL_ERROR "run_consumer.cmake: ${required} is not set")
  endif()
endforeach()

function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE code)
  if(NOT code EQUAL 0)
    string(REPLACE ";" " " shown "${ARGV}")
    message(FATAL_ERROR "failed (${code}): ${shown}")
  endif()
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
set(configure_args -S ${CMAKE_CURRENT_LIST_DIR} -B ${WORK_DIR}/build
    -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON -DPURECACHE_CONSUMER_MODE=${MODE})
if(DEFINED CXX)
  list(APPEND configure_args -DCMAKE_CXX_COMPILER=${CXX})
endif()
if(DEFINED BUILD_TYPE)
  list(APPEND configure_args -DCMAKE_BUILD_TYPE=${BUILD_TYPE})
endif()

if(MODE STREQUAL "package")
  run(${CMAKE_COMMAND} --install ${PURECACHE_BUILD_DIR} --prefix ${WORK_DIR}/prefix)
  foreach(installed include/purecache/cache.hpp include/purecache/version.hpp)
    if(NOT EXISTS ${WORK_DIR}/prefix/${installed})
      message(FATAL_ERROR "cmake --install did not install ${installed}")
    endif()
  endforeach()
  if(DEFINED TRACE AND NOT EXISTS ${WORK_DIR}/prefix/bin/purecache-sim)
    message(FATAL_ERROR "cmake --install did not install bin/purecache-sim")
  endif()
  list(APPEND configure_args -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix)
elseif(MODE STREQUAL "subdirectory")
  list(APPEND configure_args -DPURECACHE_SOURCE_DIR=${PURECACHE_SOURCE_DIR})
elseif(NOT MODE STREQUAL "system")
  message(FATAL_ERROR "run_consumer.cmake: MODE must be package, subdirectory or system")
endif()

# Runs a built program and fails unless its output matches `expected`.
function(expect program expected)
  execute_process(COMMAND ${WORK_DIR}/build/${program} ${ARGN} RESULT_VARIABLE code
                  OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message(STATUS "${program}: ${out}${err}")
  if(NOT code EQUAL 0 OR NOT out MATCHES "${expected}")
    message(FATAL_ERROR "${program} exited ${code}; expected output matching '${expected}'")
  endif()
endfunction()

run(${CMAKE_COMMAND} ${configure_args})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build -j2)
expect(consumer "4 of 10 kept")
if(DEFINED TRACE)  # the package has purecache::sim: it must be usable too
  if(NOT EXISTS ${WORK_DIR}/build/consumer_sim)
    message(FATAL_ERROR "purecache::sim was not found, so consumer_sim was not built")
  endif()
  expect(consumer_sim "replayed [0-9]+ requests" ${TRACE})
endif()
