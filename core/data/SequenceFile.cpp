#include "data/SequenceFile.h"

#include "data/BadLines.h"
#include "data/FileDecoding.h"
#include "data/IdTable.h"
#include "data/LineReader.h"
#include "data/ParseError.h"
#include "data/RawLog.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <unordered_set>
#include <vector>

namespace dimerec {
namespace {

// 1-based line of a byte offset, for JSON errors.
int64_t lineAt(std::string_view text, size_t offset) {
    offset = std::min(offset, text.size());
    return 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n');
}

}  // namespace

RawLog readSequenceFile(std::string_view text, const std::string& name, BadLines& badLines) {
    requireUtf8(text, name);
    RawLog log;
    // Every separator ends at most one id, so this bounds the rows without regrowing.
    log.rows.reserve(static_cast<size_t>(std::count(text.begin(), text.end(), ' ') +
                                         std::count(text.begin(), text.end(), '\t')));
    IdTable users, items;
    LineReader reader(text, name);
    std::string_view line;
    std::vector<std::string_view> tokens;
    int64_t order = 0;
    while (reader.next(line)) {
        badLines.guard([&] {
            splitOnWhitespace(line, tokens);
            if (tokens.size() < 2) {
                throw ParseError(name, reader.line(), tokens.empty() ? "" : "items",
                                 "expected a user id followed by at least one item id");
            }
            const int32_t user = users.intern(tokens[0]);
            for (size_t i = 1; i < tokens.size(); ++i) {
                RawInteraction row;
                row.user = user;
                row.item = items.intern(tokens[i]);
                row.timestamp = order++;
                log.rows.push_back(row);
            }
        });
    }
    if (log.rows.empty()) throw ParseError(name, 0, "", "the file holds no sequences");
    log.userIds = users.names();
    log.itemIds = items.names();
    return log;
}

void readItemAttributesJson(std::string_view text, const std::string& name, RawLog& log) {
    nlohmann::json json;
    try {
        json = nlohmann::json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::parse_error& error) {
        throw ParseError(name, lineAt(text, error.byte == 0 ? 0 : error.byte - 1), "",
                         std::string("not valid JSON: ") + error.what());
    } catch (const nlohmann::json::exception& error) {
        // e.g. a number too large for any JSON number type
        throw ParseError(name, 0, "", std::string("unreadable JSON: ") + error.what());
    }
    if (!json.is_object()) {
        throw ParseError(name, 1, "", "expected a JSON object mapping item ids to attribute lists");
    }
    std::unordered_set<std::string_view> known;
    std::vector<char> used(log.itemIds.size(), 0);
    for (const RawInteraction& row : log.rows) used[static_cast<size_t>(row.item)] = 1;
    for (size_t item = 0; item < used.size(); ++item) {
        if (used[item]) known.insert(log.itemIds[item]);
    }
    for (const auto& [item, attributes] : json.items()) {
        if (known.count(item) == 0) {
            throw ParseError(name, 0, item,
                             "item '" + item +
                                 "' does not occur in the interactions (a file of another "
                                 "dataset?)");
        }
        if (!attributes.is_array()) {
            throw ParseError(name, 0, item, "expected a list of attribute ids");
        }
        RawItemInfo& info = log.items[item];
        for (const auto& attribute : attributes) {
            if (attribute.is_number_integer()) {
                info.categories.push_back(std::to_string(attribute.get<int64_t>()));
            } else if (attribute.is_string()) {
                info.categories.push_back(attribute.get<std::string>());
            } else {
                throw ParseError(
                    name, 0, item,
                    "expected attribute ids (integers or strings), got " + attribute.dump());
            }
        }
    }
}

}  // namespace dimerec
