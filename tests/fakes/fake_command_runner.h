// A strict, scripted CommandRunner for tests: each expected command (program and
// arguments, in order) gets a canned reply. An unexpected command fails the test and gets
// an error; expected commands that never ran fail the test when the fake is destroyed.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <initializer_list>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "os/command_runner.h"

namespace virtus::testing {

class FakeCommandRunner final : public os::CommandRunner {
 public:
  class Expectation {
   public:
    // The program exits with `exitStatus`, printing `out` and `err`.
    Expectation& replies(int exitStatus, std::string out = {}, std::string err = {}) {
      output_ = os::CommandOutput{exitStatus, std::move(out), std::move(err)};
      error_.reset();
      return *this;
    }
    // The run itself fails (the program is missing, or misses its deadline).
    Expectation& fails(Error error) {
      error_ = std::move(error);
      return *this;
    }
    // The command must carry this stdin input.
    Expectation& withInput(std::string input) {
      input_ = std::move(input);
      return *this;
    }

   private:
    friend class FakeCommandRunner;
    std::vector<std::string> argv_;
    std::optional<std::string> input_;
    os::CommandOutput output_;
    std::optional<Error> error_;
  };

  FakeCommandRunner() = default;
  FakeCommandRunner(const FakeCommandRunner&) = delete;
  FakeCommandRunner& operator=(const FakeCommandRunner&) = delete;
  ~FakeCommandRunner() override { verify(); }

  // expect("mount", "-t", "ext4", "/dev/sda1", "/mnt"): the next command must be this one.
  template <class... Args>
  Expectation& expect(const std::string& program, const Args&... args) {
    return expectArgv({program, std::string(args)...});
  }
  Expectation& expectArgv(std::vector<std::string> argv) {
    std::lock_guard lock(mutex_);
    auto& e = expected_.emplace_back();
    e.argv_ = std::move(argv);
    return e;
  }

  Result<os::CommandOutput> run(const os::Command& command) override {
    std::lock_guard lock(mutex_);
    recorded_.push_back(command);
    std::vector<std::string> argv{command.program};
    argv.insert(argv.end(), command.args.begin(), command.args.end());
    if (expected_.empty() || expected_.front().argv_ != argv) {
      std::string wanted = expected_.empty() ? "nothing" : join(expected_.front().argv_);
      ADD_FAILURE() << "unexpected command: " << join(argv) << "\n  expected: " << wanted;
      return makeError(ErrorCode::InternalError, ErrorDomain::None,
                       "unexpected command '" + join(argv) + "'");
    }
    Expectation e = std::move(expected_.front());
    expected_.pop_front();
    if (e.input_ && command.input != e.input_) {
      ADD_FAILURE() << "command " << join(argv) << " got stdin '" << command.input.value_or("")
                    << "', expected '" << *e.input_ << "'";
    }
    if (e.error_)
      return *e.error_;
    return e.output_;
  }

  // Every command run so far, expected or not.
  std::vector<os::Command> commands() const {
    std::lock_guard lock(mutex_);
    return recorded_;
  }
  // Fails the test for each expected command that has not run (and forgets them).
  void verify() {
    std::lock_guard lock(mutex_);
    for (const auto& e : expected_) {
      ADD_FAILURE() << "expected command never ran: " << join(e.argv_);
    }
    expected_.clear();
  }

 private:
  static std::string join(const std::vector<std::string>& argv) {
    std::string s;
    for (const auto& a : argv) {
      if (!s.empty())
        s += ' ';
      s += a;
    }
    return s;
  }

  mutable std::mutex mutex_;
  std::deque<Expectation> expected_;
  std::vector<os::Command> recorded_;
};

}  // namespace virtus::testing
