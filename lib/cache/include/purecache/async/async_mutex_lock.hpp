#pragma once
/// AsyncMutexLock: the RAII guard that scoped_lock() of the async mutexes yields.

#include <mutex>
#include <utility>

namespace purecache {

/// Owns one lock of a Mutex (AsyncMutex or LocalAsyncMutex) and unlocks it on destruction.
/// Move-only. Unlocking may resume the next waiter inline, on the destroying thread, or post it to
/// its executor, by the mutex's hand-off mode (see BasicAsyncMutex::unlock).
template <class Mutex>
class [[nodiscard]] AsyncMutexLock {
 public:
  /// Owns nothing.
  AsyncMutexLock() noexcept = default;
  /// Takes over a lock the caller already holds.
  AsyncMutexLock(Mutex& mutex, std::adopt_lock_t) noexcept : mutex_(&mutex) {}
  AsyncMutexLock(AsyncMutexLock&& other) noexcept : mutex_(std::exchange(other.mutex_, nullptr)) {}
  AsyncMutexLock& operator=(AsyncMutexLock&& other) noexcept {
    if (this != &other) {
      unlock();
      mutex_ = std::exchange(other.mutex_, nullptr);
    }
    return *this;
  }
  AsyncMutexLock(const AsyncMutexLock&) = delete;
  AsyncMutexLock& operator=(const AsyncMutexLock&) = delete;
  ~AsyncMutexLock() { unlock(); }

  /// True while this guard holds the lock.
  [[nodiscard]] bool owns_lock() const noexcept { return mutex_ != nullptr; }
  /// Releases the lock early (no-op when nothing is owned); same cost as Mutex::unlock.
  void unlock() noexcept {
    if (mutex_ != nullptr) std::exchange(mutex_, nullptr)->unlock();
  }

 private:
  Mutex* mutex_ = nullptr;  // the locked mutex; null when released or moved-from
};

}  // namespace purecache
