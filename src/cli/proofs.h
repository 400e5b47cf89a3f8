// The CLI's proof commands: they check what Konfid signed or chained, offline or against a
// vault. Each prints what it found and returns the exit code: 0 when everything holds, 1 when
// something does not, 2 on an error (cli/command_support.h, Die).
#pragma once

#include <string>

#include "cli/cli.h"
#include "cli/command_support.h"

namespace konfid::cli::internal {

// `konfid audit verify [--checkpoint FILE]`: every tenant's hash chain, held to the
// checkpoints of FILE or else to those stored in the database.
int AuditVerify(Platform& p, const Common& c, const std::string& checkpoint_file);
// `konfid receipt verify FILE --public-key X`: a consent receipt's signature, offline.
int ReceiptVerify(Platform& p, const std::string& file, const std::string& public_key);
// `konfid act verify FILE --public-key X [--data|--db|--config]`: the act's signature with
// the published key, its claims as Konfid writes them, its extract's chain; with a vault,
// the extract against the audit log itself (app::CheckExtractInLog).
int ActVerify(Platform& p, const Common& c, const std::string& file, const std::string& public_key);

}  // namespace konfid::cli::internal
