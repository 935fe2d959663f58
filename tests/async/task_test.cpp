#include <catch2/catch.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "purecache/async/sync_wait.hpp"
#include "purecache/async/task.hpp"

namespace {

using purecache::sync_wait;
using purecache::Task;

Task<int> forty_two() { co_return 42; }

Task<int> add_one(Task<int> inner) { co_return co_await std::move(inner) + 1; }

Task<std::string> greet(std::string name) { co_return "hello " + name; }

Task<> append(std::vector<int>& out, int value) {
  out.push_back(value);
  co_return;
}

Task<int> throws_runtime_error() {
  throw std::runtime_error("deep failure");
  co_return 0;
}

Task<int> middle_level() {
  const int value = co_await throws_runtime_error();
  co_return value + 1;
}

Task<int> top_level() {
  const int value = co_await middle_level();
  co_return value + 1;
}

Task<std::unique_ptr<int>> make_unique_int(int value) { co_return std::make_unique<int>(value); }

}  // namespace

TEST_CASE("a task yields its value to the awaiter", "[async][task]") {
  REQUIRE(sync_wait(forty_two()) == 42);
  REQUIRE(sync_wait(greet("world")) == "hello world");
}

TEST_CASE("a void task runs its body when awaited", "[async][task]") {
  std::vector<int> out;
  sync_wait(append(out, 7));
  REQUIRE(out == std::vector<int>{7});
}

TEST_CASE("nested awaits compose values through several levels", "[async][task]") {
  REQUIRE(sync_wait(add_one(add_one(add_one(forty_two())))) == 45);
}

TEST_CASE("a task can return a move-only value", "[async][task]") {
  std::unique_ptr<int> result = sync_wait(make_unique_int(5));
  REQUIRE(result != nullptr);
  REQUIRE(*result == 5);
}

TEST_CASE("an exception propagates through two levels of awaiters", "[async][task]") {
  bool middle_resumed_normally = true;
  auto observe = [&]() -> Task<int> {
    try {
      co_return co_await top_level();
    } catch (const std::runtime_error&) {
      middle_resumed_normally = false;
      throw;
    }
  };
  REQUIRE_THROWS_WITH(sync_wait(observe()), "deep failure");
  REQUIRE_FALSE(middle_resumed_normally);
}

TEST_CASE("a lazy task does not run until awaited", "[async][task]") {
  std::vector<int> out;
  Task<> task = append(out, 1);
  REQUIRE(out.empty());
  REQUIRE(task.valid());
  sync_wait(std::move(task));
  REQUIRE(out == std::vector<int>{1});
}

TEST_CASE("destroying an unstarted task never runs its body", "[async][task]") {
  std::vector<int> out;
  { Task<> task = append(out, 1); }
  REQUIRE(out.empty());
}

TEST_CASE("tasks are move-only and moving transfers the frame", "[async][task]") {
  STATIC_REQUIRE_FALSE(std::is_copy_constructible_v<Task<int>>);
  STATIC_REQUIRE_FALSE(std::is_copy_assignable_v<Task<int>>);
  STATIC_REQUIRE(std::is_nothrow_move_constructible_v<Task<int>>);
  STATIC_REQUIRE(std::is_nothrow_move_assignable_v<Task<int>>);

  Task<int> first = forty_two();
  Task<int> second = std::move(first);
  REQUIRE_FALSE(first.valid());  // NOLINT(bugprone-use-after-move): checking the moved-from state
  REQUIRE(second.valid());

  Task<int> third = add_one(forty_two());
  third = std::move(second);      // destroys third's unstarted frame
  REQUIRE_FALSE(second.valid());  // NOLINT(bugprone-use-after-move)
  REQUIRE(sync_wait(std::move(third)) == 42);
  REQUIRE_FALSE(Task<>{}.valid());
}

TEST_CASE("awaiting a task consumes it", "[async][task]") {
  bool consumed = false;
  auto body = [&]() -> Task<int> {
    Task<int> task = forty_two();
    const int value = co_await std::move(task);
    consumed = !task.valid();  // NOLINT(bugprone-use-after-move): checking the awaited state
    co_return value;
  };
  REQUIRE(sync_wait(body()) == 42);
  REQUIRE(consumed);
}

TEST_CASE("a long loop of synchronous awaits runs in constant stack", "[async][task]") {
  // Each child finishes inside the parent's await_suspend, which then returns false. Relying on
  // symmetric transfer alone would nest a million calls at -O0, where GCC 12 emits no tail call.
  auto loop = []() -> Task<long> {
    long sum = 0;
    for (int i = 0; i < 1'000'000; ++i)
      sum += co_await forty_two();
    co_return sum;
  };
  REQUIRE(sync_wait(loop()) == 42'000'000L);
}
