// Prints libCacheSim's exact request and miss counts for one trace, policy and list of cache
// sizes: cachesim prints only ratios rounded to 4 digits, too coarse to compare miss for miss.
// Built and run by scripts/check-libcachesim.sh against a libCacheSim build directory; never part
// of purecache's own build.
//
// usage: exact_counts TRACE oracleGeneral|txt ALGO SIZE[,SIZE...] COUNT_MODE(0|1) [PARAMS]
// prints one line per size: "SIZE REQUESTS MISSES REQUEST_BYTES MISS_BYTES"

#define _GNU_SOURCE  // cache_init.h uses strcasestr
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libCacheSim/cache.h"
#include "libCacheSim/reader.h"
#include "libCacheSim/simulator.h"
#include "cache_init.h"  // libCacheSim's bin/cachesim/cache_init.h: the name -> policy table

int main(int argc, char **argv) {
  if (argc < 6) {
    fprintf(stderr, "usage: %s TRACE oracleGeneral|txt ALGO SIZE[,SIZE...] COUNT_MODE [PARAMS]\n",
            argv[0]);
    return 2;
  }
  const char *trace = argv[1];
  const bool oracle = strcmp(argv[2], "oracleGeneral") == 0;
  const char *algo = argv[3];
  const bool count_mode = strcmp(argv[5], "1") == 0;
  const char *params = argc > 6 && argv[6][0] != '\0' ? argv[6] : NULL;

  uint64_t sizes[64];
  int n_sizes = 0;
  char *list = strdup(argv[4]);
  for (char *item = strtok(list, ","); item != NULL && n_sizes < 64; item = strtok(NULL, ",")) {
    sizes[n_sizes++] = strtoull(item, NULL, 10);
  }

  // As cachesim sets its reader up: size-0 requests dropped, numeric ids, sizes 1 when asked.
  reader_init_param_t init;
  memset(&init, 0, sizeof(init));
  init.ignore_obj_size = count_mode || !oracle;
  init.ignore_size_zero_req = true;
  init.obj_id_is_num = true;
  init.obj_size_field = -1;
  reader_t *reader =
      setup_reader(trace, oracle ? ORACLE_GENERAL_TRACE : PLAIN_TXT_TRACE, &init);

  cache_t *caches[64];
  for (int i = 0; i < n_sizes; i++) {
    caches[i] = create_cache(trace, algo, sizes[i], params, false);
  }
  cache_stat_t *result = simulate_with_multi_caches(reader, caches, n_sizes, NULL, 0, 0, 1, true);
  for (int i = 0; i < n_sizes; i++) {
    printf("%" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", sizes[i],
           (uint64_t)result[i].n_req, (uint64_t)result[i].n_miss, (uint64_t)result[i].n_req_byte,
           (uint64_t)result[i].n_miss_byte);
  }
  close_reader(reader);
  return 0;
}
