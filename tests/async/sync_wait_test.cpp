#include <catch2/catch.hpp>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>

#include "async/async_test_support.hpp"
#include "purecache/async/sync_wait.hpp"
#include "purecache/async/task.hpp"

namespace {

using purecache::sync_wait;
using purecache::Task;
using purecache::test::HopQueue;

Task<std::string> concat(std::string a, std::string b) { co_return a + b; }

Task<> fail() {
  throw std::logic_error("broken");
  co_return;
}

Task<int> fail_with_value() {
  co_await fail();
  co_return 1;
}

Task<std::thread::id> finish_elsewhere(HopQueue& queue, int& touched) {
  co_await queue.hop();
  ++touched;
  co_return std::this_thread::get_id();
}

}  // namespace

TEST_CASE("sync_wait returns the value of a task", "[async][sync_wait]") {
  REQUIRE(sync_wait(concat("a", "b")) == "ab");
}

TEST_CASE("sync_wait rethrows the exception of a task", "[async][sync_wait]") {
  REQUIRE_THROWS_AS(sync_wait(fail()), std::logic_error);
  REQUIRE_THROWS_WITH(sync_wait(fail_with_value()), "broken");
}

TEST_CASE("sync_wait blocks until a task resumed on another thread finishes",
          "[async][sync_wait][concurrency]") {
  HopQueue queue;
  std::atomic<bool> stop{false};
  std::thread helper([&] {
    while (!stop.load(std::memory_order_acquire)) {
      if (!queue.run_one()) std::this_thread::yield();
    }
  });
  const std::thread::id helper_id = helper.get_id();

  // Many rounds, so that completion races both before and after the caller starts waiting.
  int touched = 0;
  int finished_on_helper = 0;
  for (int i = 0; i < 2000; ++i) {
    if (sync_wait(finish_elsewhere(queue, touched)) == helper_id) ++finished_on_helper;
  }
  stop.store(true, std::memory_order_release);
  helper.join();

  REQUIRE(finished_on_helper == 2000);
  REQUIRE(touched == 2000);  // a plain int: sync_wait's return orders the helper's writes
}
