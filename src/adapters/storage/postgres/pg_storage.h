// PostgreSQL implementation of ports::Storage over libpq. A pool of connections; each
// transaction holds one. Statements are prepared once per connection; parameters and results
// travel in binary. Safe for many `konfid serve` nodes on one database: the audit head row is
// locked FOR UPDATE by each writing transaction, and uniqueness lives in the indexes.
#pragma once

#include <memory>
#include <string>

#include "ports/storage.h"

namespace konfid::adapters {

class PgStorage final : public ports::Storage {
 public:
  // `url` is a libpq connection URI, postgres://user@host:port/db. Unavailable when the first
  // connection fails (the message names no password).
  static Result<std::unique_ptr<PgStorage>> Open(const std::string& url,
                                                 size_t max_connections = 16);
  ~PgStorage() override;

  std::string_view backend() const override { return "postgres"; }
  Status Migrate() override;
  Status CheckSchema() override;
  Result<std::unique_ptr<ports::Transaction>> Begin(bool write) override;

  struct Impl;

 private:
  explicit PgStorage(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace konfid::adapters
