#pragma once

#include <string>

namespace dimerec {

// Checks that `path` is a checkpoint archive as saveCheckpoint writes it, before LibTorch's
// reader sees it: LibTorch 1.13's zip and archive readers crash (rather than throw) on some
// damaged files. The file must be a zip archive whose end record and central directory are
// intact, whose entries all lie in one folder and are the ones a LibTorch archive holds
// (data.pkl, constants.pkl, version, data/<n>, code/…), are stored or deflated, lie inside the
// file behind a matching local header, and match their CRC-32 and size. Throws
// std::runtime_error "checkpoint '<path>': …" naming what is wrong (a damaged file, or a file
// that is not a DimeRec checkpoint) and what to give instead. Needs no LibTorch.
void checkCheckpointArchive(const std::string& path);

}  // namespace dimerec
