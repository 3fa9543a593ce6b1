#pragma once
// Counts heap allocations made by this thread (global operator new is replaced in
// allocation_counter.cpp for the test binary). Used to prove per-frame loops never allocate.
#include <cstddef>

namespace weaklink::test {
std::size_t allocations_on_this_thread();
}
