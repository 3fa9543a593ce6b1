#include "core/version.hpp"
namespace weaklink {
const char* version() { return WEAKLINK_VERSION; }
}  // namespace weaklink
