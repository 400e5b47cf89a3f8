// Prints the route table (src/http/routes.cc), one path a line: its label, a tab, and its
// methods ("GET POST", or "*" for a path that answers every method). check_openapi.py
// compares these with docs/openapi.yaml.
#include <cstdio>
#include <string>

#include "http/api.h"
#include "http/router.h"

int main() {
  using namespace konfid::http;
  for (const auto& p : RouteTable().Paths()) {
    std::string methods = p.methods == kAnyMethod ? "*" : AllowHeader(p.methods);
    std::erase(methods, ',');  // "GET, POST" -> "GET POST"
    std::printf("%s\t%s\n", p.label.c_str(), methods.c_str());
  }
  return 0;
}
