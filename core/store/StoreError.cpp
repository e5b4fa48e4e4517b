#include "store/StoreError.h"

namespace dimerec {

StoreError::StoreError(const std::string& file, const std::string& what)
    : std::runtime_error(file + ": " + what), file_(file) {}

}  // namespace dimerec
