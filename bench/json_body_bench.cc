// The request body parser on the path of every create: Boost.JSON's own parse against
// http::ParseJsonBody, which also refuses duplicate members (docs/benchmarks.md).
#include <benchmark/benchmark.h>
#include <boost/json.hpp>

#include "http/json_body.h"

namespace {

const std::string kCreate =
    R"({"fields":{"surname":"Иванов","name":"Иван","patronymic":"Иванович",)"
    R"("birth_date":"1990-05-17","email":"Ivan.Petrov@Example.com","phone":"8 (912) 345-67-89"}})";

const std::string kRegistration =
    R"({"fields":{"surname":"Орлова","name":"Ольга","email":"olga@example.com"},)"
    R"("consents":{"newsletter":true,"reviews":false,"statistics":false},)"
    R"("context":{"form":"signup","page":"https://demo.example/signup","ip":"198.51.100.23",)"
    R"("user_agent":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36"}})";

void BoostParse(benchmark::State& state, const std::string& body) {
  for (auto _ : state) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(body, ec);
    benchmark::DoNotOptimize(v);
  }
}

void StrictParse(benchmark::State& state, const std::string& body) {
  for (auto _ : state) {
    auto v = konfid::http::ParseJsonBody(body);
    benchmark::DoNotOptimize(v);
  }
}

BENCHMARK_CAPTURE(BoostParse, create, kCreate);
BENCHMARK_CAPTURE(StrictParse, create, kCreate);
BENCHMARK_CAPTURE(BoostParse, registration, kRegistration);
BENCHMARK_CAPTURE(StrictParse, registration, kRegistration);

}  // namespace

BENCHMARK_MAIN();
