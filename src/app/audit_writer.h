// AuditWriter: appends events to the tenants' hash chains inside one write transaction.
// Created per transaction by the group committer; Mark/Restore follow the savepoint that
// wraps each request, so a rolled-back request leaves no trace in the chain state.
// Not thread-safe: one transaction, one thread.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "app/keyring.h"
#include "domain/audit.h"
#include "ports/clock.h"
#include "ports/storage.h"

namespace konfid::app {

class AuditCapture;

class AuditWriter {
 public:
  AuditWriter(ports::Crypto& crypto, const Keyring& keyring, ports::Clock& clock,
              ports::Transaction& txn)
      : crypto_(crypto), keyring_(keyring), clock_(clock), txn_(txn) {}

  // Fills seq, time, prev_hash and hash, then inserts the event.
  Status Append(domain::AuditEvent event);
  void Mark() {
    marked_ = heads_;
    marked_count_ = count_;
    marked_captured_ = capture_ ? capture_->size() : 0;
  }
  // Also drops from a live AuditCapture the events appended since Mark.
  void Restore() {
    heads_ = marked_;
    count_ = marked_count_;
    if (capture_ && capture_->size() > marked_captured_)
      capture_->erase(capture_->begin() + static_cast<std::ptrdiff_t>(marked_captured_),
                      capture_->end());
  }
  // Reads and locks `tenant`'s head now rather than at its first append. The committer locks
  // the heads first, in one order, so that two nodes' batches cannot each hold a head while
  // waiting for a row the other wrote (a deadlock PostgreSQL would break by failing one).
  Status LockHead(const std::string& tenant);
  // The tenants whose heads this transaction holds, in order.
  std::vector<std::string> Tenants() const;
  // Writes the moved heads. Call once, before commit.
  Status Flush();
  // Events appended (and not rolled back) in this transaction.
  uint64_t count() const { return count_; }

 private:
  friend class AuditCapture;
  struct Head {
    ports::AuditHead head;
    bool dirty = false;
  };
  ports::Crypto& crypto_;
  const Keyring& keyring_;
  ports::Clock& clock_;
  ports::Transaction& txn_;
  std::map<std::string, Head> heads_, marked_;
  uint64_t count_ = 0, marked_count_ = 0;
  std::vector<domain::AuditEvent>* capture_ = nullptr;  // AuditCapture's, while one lives
  size_t marked_captured_ = 0;
};

// The events a writer appends while this lives, as stored (seq, time and hashes filled): the
// extract of the audit log an act of destruction carries (domain/destruction_act.h). One
// capture at a time: a nested one takes over and gives the outer one back when it ends.
class AuditCapture {
 public:
  explicit AuditCapture(AuditWriter& writer) : writer_(writer), outer_(writer.capture_) {
    writer_.capture_ = &events_;
  }
  ~AuditCapture() { writer_.capture_ = outer_; }
  AuditCapture(const AuditCapture&) = delete;
  AuditCapture& operator=(const AuditCapture&) = delete;

  const std::vector<domain::AuditEvent>& events() const { return events_; }
  std::vector<domain::AuditEvent> Take() { return std::move(events_); }

 private:
  AuditWriter& writer_;
  std::vector<domain::AuditEvent>* outer_;
  std::vector<domain::AuditEvent> events_;
};

// The chain MAC of one event under the tenant's audit key.
Bytes AuditEventMac(ports::Crypto& crypto, const SecretBytes& audit_key,
                    const domain::AuditEvent& event);

}  // namespace konfid::app
