#pragma once
/// Output files that are either complete or untouched (semantics: docs/replay-semantics.md#output).

#include <filesystem>
#include <string>
#include <string_view>

namespace purecache::sim {

/// Writes `target` through a temporary file beside it: nothing at `target` changes until
/// commit() renames the finished, fsynced temporary over it. Destroyed without a commit (an
/// error, an interruption) it removes the temporary, so the target keeps its old bytes or stays
/// absent. A symlink target is followed: the file it names is replaced and the link kept. A
/// target that exists and is not a regular file (a device, a FIFO) is written directly instead,
/// since renaming over it would destroy it.
class AtomicFile {
 public:
  /// Creates the temporary ".NAME.XXXXXX" in the target's directory, with the mode of the file
  /// it will replace (a new file: 0666 less the umask). `what` names the content in messages
  /// ("the report"). Throws OutputError "TARGET: cannot write the report: REASON".
  AtomicFile(std::filesystem::path target, std::string what);
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  /// Removes the temporary unless committed. Never throws.
  ~AtomicFile();

  /// Appends `bytes` to the temporary: one write(2) per call unless the kernel takes less.
  /// Throws OutputError; the temporary is then already removed.
  void write(std::string_view bytes);
  /// fsyncs the temporary and renames it over the target. Throws OutputError; the temporary is
  /// then already removed and the target unchanged.
  void commit();

  [[nodiscard]] const std::filesystem::path& temporary_path() const noexcept { return temporary_; }

 private:
  [[noreturn]] void fail(int error);
  void discard() noexcept;

  std::filesystem::path target_;       // as given, for messages
  std::filesystem::path destination_;  // target_ with symlinks resolved: what rename replaces
  std::filesystem::path temporary_;    // empty once renamed or removed
  std::string what_;                   // "the report", for messages
  int fd_ = -1;                        // the temporary's descriptor; -1 once closed
  int signal_slot_ = -1;  // entry in the table remove_temporaries_on_signal() reads; -1: none
};

/// Appends `line` to `target` (created if absent) with O_APPEND in one write(2), so the line is
/// never interleaved with another appender's. On a short or failed write it truncates the file
/// back to its size before (and removes it if this call created it). Throws OutputError.
void append_line(const std::filesystem::path& target, std::string_view line, std::string_view what);

/// Checks, creating nothing, that `target` can be written (append: appended to): its directory
/// exists and is writable, and it is not a directory or a read-only file. Throws OutputError
/// "TARGET: cannot write the report: REASON".
void check_writable(const std::filesystem::path& target, std::string_view what, bool append);

/// Removes the temporaries of every live AtomicFile. Async-signal-safe: for a signal handler
/// that is about to end the process, so that a killed writer leaves no temporary behind.
void remove_temporaries_on_signal() noexcept;

}  // namespace purecache::sim
