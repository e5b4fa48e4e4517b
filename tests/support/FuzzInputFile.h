#pragma once

// For fuzz targets whose reader takes a path: writes the input to a file of this process's
// own scratch folder (so that fuzzers running in parallel never share one) and returns its path.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace dimerec {

inline std::string writeFuzzInput(const uint8_t* data, size_t size, const std::string& name) {
    static const std::filesystem::path folder = [] {
        const auto path =
            std::filesystem::temp_directory_path() / ("dimerec-fuzz-" + std::to_string(::getpid()));
        std::filesystem::create_directories(path);
        return path;
    }();
    const std::string path = (folder / name).string();
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    return path;
}

}  // namespace dimerec
