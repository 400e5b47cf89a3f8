#include "cli/exports.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "app/depersonalized_exports.h"
#include "app/group_committer.h"
#include "app/kernel.h"
#include "app/policy_store.h"

namespace konfid::cli::internal {

namespace {

// The CSV text of `d` (docs/stats.md has its grammar).
std::string CsvOf(const app::DepersonalizedDataset& d) {
  std::string out = "pseudonym";
  for (const auto& c : d.columns) out += "," + CsvField(c.field);
  out += "\r\n";
  for (const auto& row : d.rows) {
    out += row.pseudonym;
    for (const auto& v : row.values) out += "," + CsvField(v);
    out += "\r\n";
  }
  return out;
}

// Creates `path` for the operator alone (mode 0600), never over a file or through a link
// that is there; the caller unlinks it if the export then fails.
Result<int> CreateOut(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return Fail(Error(errno == EEXIST ? ErrorCode::kConflict : ErrorCode::kUnavailable,
                      "cannot create " + path + ": " + std::strerror(errno) +
                          (errno == EEXIST ? " (an export never writes over a file)" : "")));
  return fd;
}

Status WriteAll(int fd, const std::string& text, const std::string& path) {
  for (size_t at = 0; at < text.size();) {
    ssize_t n = ::write(fd, text.data() + at, text.size() - at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Fail(ErrorCode::kUnavailable, "cannot write " + path);
    at += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return Fail(ErrorCode::kUnavailable, "cannot write " + path);
  return Ok();
}

void PrintSummary(const app::DepersonalizedDataset& d, const std::string& path) {
  std::cout << "Exported " << d.rows.size() << " of " << d.population << " subjects of purpose "
            << d.purpose << " to " << path << " (export " << d.id << ", k = " << d.k << ")\n";
  for (const auto& c : d.columns) std::cout << "  " << c.field << ": " << c.generalization << "\n";
  std::cout << "  suppressed: " << d.suppressed << ", smallest class: " << d.smallest_class << "\n";
}

}  // namespace

std::string CsvField(const std::string& value) {
  // A spreadsheet runs a cell that starts with one of these as a formula: a visitor's city
  // must stay text there.
  std::string text = !value.empty() && std::string_view("=+-@").find(value[0]) != std::string::npos
                         ? "'" + value
                         : value;
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char ch : text) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

int ExportDepersonalized(Platform& p, const Common& c, const std::string& tenant,
                         const std::string& purpose, const std::string& out) {
  if (c.config_path.empty())
    return Die(Error(ErrorCode::kInvalidArgument, "export needs --config FILE"));
  auto fd = CreateOut(out);  // before the export: a file that cannot be written stops it
  if (!fd) return Die(fd.error());
  auto fail = [&](const Error& e) {
    ::close(*fd);
    ::unlink(out.c_str());  // the file this command created, empty or cut short
    return Die(e);
  };
  auto opened = OpenExisting(p, c);
  if (!opened) return fail(opened.error());
  app::PolicyStore policies(*opened->storage, p.crypto, p.clock, p.policy_reader);
  if (auto notes = policies.Start(opened->config->tenants); !notes) return fail(notes.error());
  if (!policies.Current(tenant))
    return fail(Error(ErrorCode::kNotFound, "tenant '" + tenant + "' is not configured"));
  app::Keyring& keyring = *opened->keyring;
  if (auto st = keyring.EnsureTenant(tenant, p.clock.Now()); !st) return fail(st.error());
  app::GroupCommitter committer(*opened->storage, p.crypto, keyring, p.clock);
  app::Kernel kernel(policies, keyring, committer, p.crypto, p.phones, p.clock);
  app::DepersonalizedExports exports(kernel, *opened->storage, p.time_zones);
  auto dataset = exports.Export({tenant, kCliActor, app::Role::kAdmin, {}}, purpose);
  if (!dataset) return fail(dataset.error());
  // The export is recorded by now: a write that fails after it says so, with the export's id.
  if (auto st = WriteAll(*fd, CsvOf(*dataset), out); !st)
    return fail(Error(ErrorCode::kUnavailable,
                      st.error().message() + "; export " + dataset->id +
                          " is recorded in the audit log but its file was not written"));
  ::close(*fd);
  PrintSummary(*dataset, out);
  return 0;
}

}  // namespace konfid::cli::internal
