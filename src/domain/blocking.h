// What of a subject is blocked (152-FZ Art. 3(10), 21; GDPR Art. 18): kept, but not processed
// until the block is lifted (app/blocks.h says which reads and sends refuse it). Each block has
// a holder: staff (a staff decision, or a blocking request, which staff alone lift) or one
// rectification request (the claimed fields, held while the claim is checked and lifted when
// that request closes, whatever other blocks the fields have). Beside the blocks, the same
// text keeps the purposes whose processing has stopped for this subject: an objection to
// processing on legitimate interest that staff upheld (GDPR Art. 21(1); app/requests.h); and,
// once the subject is erased, the purposes on a legal obligation that the fields left are kept
// for (app/subjects.h: readable for those purposes alone, by staff, until their term ends).
// Stored as the subjects table's `blocked` text. Pure functions.
//
// Grammar (ABNF, RFC 5234):
//   blocked    = "" / hold *( ";" hold )
//   hold       = "stopped=" purpose *( "," purpose )  ; purposes stopped, sorted, unique
//              / "kept=" purpose *( "," purpose )     ; erased: kept for these alone
//              / [ request-id "=" ] scope     ; an id: that rectification's; none: staff's
//   scope      = "*" / field *( "," field )   ; "*": the whole subject; fields sorted, unique
//   request-id = 32( DIGIT / %x61-66 )        ; lower-case hex
//   field      = 1*( ALPHA / DIGIT / "_" )
//   purpose    = 1*( ALPHA / DIGIT / "_" )
// Holds are written staff's first, then by request id, then the stopped purposes, then the
// kept ones; a text of
// the column's first version ("*" or fields alone) reads as one staff hold.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace konfid::domain {

struct Blocked {
  bool all = false;              // the whole subject
  std::set<std::string> fields;  // else these fields
  bool empty() const { return !all && fields.empty(); }
  bool operator==(const Blocked&) const = default;
};

// A subject's blocks by holder.
struct BlockHolds {
  Blocked staff;                            // until staff lift it
  std::map<std::string, Blocked> requests;  // by rectification request id, while it is open
  std::set<std::string> stopped;            // purposes no longer processed for the subject
  std::set<std::string> kept;  // erased: the purposes the fields left are kept for; else empty
  // Everything blocked, whoever holds it (the stopped and kept purposes block no field).
  Blocked Effective() const;
  bool operator==(const BlockHolds&) const = default;
};

// Adds what `from` blocks to `into` (the whole subject absorbs any fields).
void MergeInto(Blocked& into, const Blocked& from);

// A scope ("*" or fields) and back.
Blocked ParseBlocked(std::string_view scope);
std::string FormatBlocked(const Blocked& blocked);

// The column's text and back. An unreadable hold (a request id that is not one) is taken as
// staff's, so that no block is ever lost by reading it.
BlockHolds ParseBlockHolds(std::string_view text);
std::string FormatBlockHolds(const BlockHolds& holds);

// Whether an open rectification's hold covers `field`: its value is claimed to be wrong (an
// address, then, may be someone else's).
bool Disputed(const BlockHolds& holds, const std::string& field);

// The first of `fields` that `blocked` covers (any of them when the whole subject is
// blocked); nullopt when none is.
std::optional<std::string> FirstBlocked(const Blocked& blocked,
                                        const std::vector<std::string>& fields);

}  // namespace konfid::domain
