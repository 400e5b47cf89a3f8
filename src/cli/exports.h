// The CLI's export command: a depersonalized dataset written to a file
// (app/depersonalized_exports.h, docs/stats.md).
#pragma once

#include <string>

#include "cli/cli.h"
#include "cli/command_support.h"

namespace konfid::cli::internal {

// `konfid export depersonalized --tenant T --purpose P --out FILE --data|--db --config`:
// exports the purpose's subjects, depersonalized and k-anonymous, to FILE as CSV (a header
// `pseudonym,<field>,...`, then one line a row), audited as the CLI. FILE must not exist; it
// is created first, mode 0600, and removed again on any error. Prints the export's id and
// counts; returns 0, or 2 on an error.
int ExportDepersonalized(Platform& p, const Common& c, const std::string& tenant,
                         const std::string& purpose, const std::string& out);

// One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break; a value
// that starts with =, +, - or @ gets a leading ' so that a spreadsheet keeps it as text.
std::string CsvField(const std::string& value);

}  // namespace konfid::cli::internal
