#pragma once
/// Everything an application embedding the cache needs, in one include.

#include "purecache/async/async_mutex.hpp"
#include "purecache/async/sync_wait.hpp"
#include "purecache/async/sync_wait_all.hpp"
#include "purecache/async/task.hpp"
#include "purecache/async/thread_pool.hpp"
#include "purecache/backend/backend_kind.hpp"
#include "purecache/backend/backends.hpp"
#include "purecache/backend/clock.hpp"
#include "purecache/backend/ibackend.hpp"
#include "purecache/backend/locked_backend.hpp"
#include "purecache/backend/make_backend.hpp"
#include "purecache/backend/sharded_backend.hpp"
#include "purecache/cache.hpp"
#include "purecache/core/core_config.hpp"
#include "purecache/error.hpp"
