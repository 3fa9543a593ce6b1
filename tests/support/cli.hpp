#pragma once
// Runs the weaklink program the build made (WEAKLINK_CLI_PATH) through the shell, as a user would.
#include <array>
#include <csignal>
#include <cstdio>
#include <string>

#include <sys/wait.h>

namespace weaklink::test {

struct CliResult {
  bool exited = false;  // false: killed by a signal (a crash) or popen failed
  bool killed = false;  // killed by SIGKILL (the output-set tests kill on purpose)
  int code = -1;        // the exit code when it exited
  std::string output;   // stdout + stderr
};

// `env` is put before the program ("NAME=value ..."); stderr is merged into the output.
inline CliResult run_cli(const std::string& args, const std::string& env = "") {
  const std::string cmd = env + (env.empty() ? "" : " ") + "\"" + WEAKLINK_CLI_PATH + "\" " + args + " 2>&1";
  CliResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf{};
  while (fgets(buf.data(), buf.size(), p)) r.output += buf.data();
  const int status = pclose(p);
  r.exited = WIFEXITED(status);
  r.code = r.exited ? WEXITSTATUS(status) : -1;
  // sh reports a child killed by signal N as exit status 128 + N.
  r.killed = r.code == 128 + SIGKILL || (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  return r;
}

}  // namespace weaklink::test
