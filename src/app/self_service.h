// SelfService: what a visitor does in a self session (app/self_identity.h), only ever on the
// session's own subject: read everything held (the access reply), file requests and follow
// them. Each call looks the session up in its own transaction and is audited with the
// session as its actor ("self:<session id>").
//
// Thread-safe. Callbacks run on the group committer's thread and must not block.
#pragma once

#include <string>
#include <vector>

#include "app/access_reply.h"
#include "app/requests.h"
#include "app/self_identity.h"

namespace konfid::app {

class SelfService {
 public:
  // Each reference outlives the use case.
  SelfService(Kernel& kernel, const SelfIdentity& identity, Requests& requests,
              const AccessReplies& replies)
      : k_(kernel), identity_(identity), requests_(requests), replies_(replies) {}

  // Everything held about the session's subject. Unauthenticated (invalid_session) for a
  // session that is not live, here and below.
  void Reply(const std::string& token, Callback<AccessReply> done);
  // The subject's requests, oldest first, with their details.
  void ListRequests(const std::string& token, Callback<std::vector<RequestView>> done);
  // One of the subject's requests; NotFound for any other.
  void GetRequest(const std::string& token, const std::string& id, Callback<RequestView> done);
  // Files a request (channel self). InvalidArgument as Requests::File, and (document_given)
  // for a document: the session identified the subject.
  void File(const std::string& token, NewRequest request, Callback<RequestView> done);

 private:
  // Runs `work` on the session's subject inside one transaction; its result goes to `done`.
  template <typename T, typename Work>
  void InSession(const std::string& token, Work work, Callback<T> done, bool savepoint = true);

  Kernel& k_;
  const SelfIdentity& identity_;
  Requests& requests_;
  const AccessReplies& replies_;
};

}  // namespace konfid::app
