#pragma once

#include <string>
#include <string_view>

namespace dimerec {

class BadLines;
struct RawLog;

// Sequence-per-line files as published with S3-Rec, DiffuRec and others: one user per line,
// `user item item …` separated by spaces or tabs, items oldest first. Ids are kept as
// written. There are no times: each row's timestamp is its position in the file, so the
// file's order is the chronological order. UTF-8 text; a line with a user but no item is
// malformed.
RawLog readSequenceFile(std::string_view text, const std::string& name, BadLines& badLines);

// Adds categories from an S3-Rec `*_item2attributes.json` object {"item": [attr, …], …}
// (attribute ids become category names). An item id the log never mentions means the file
// belongs to another dataset and is an error naming it.
void readItemAttributesJson(std::string_view text, const std::string& name, RawLog& log);

}  // namespace dimerec
