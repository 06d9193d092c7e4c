#include "scanner/feeds/cvss/cvss.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

namespace regscand::scanner::feeds::cvss {
namespace {

constexpr std::size_t kMaxVectorBytes = 512;

struct MetricDef {
  std::string_view name;
  std::string_view values;  // allowed values, '|'-separated
  bool base = false;        // mandatory
};

// v3.0 and v3.1: base, temporal and environmental metrics (specification section 6, table 15).
constexpr std::array<MetricDef, 22> kV3Metrics = {{
    {"AV", "N|A|L|P", true}, {"AC", "L|H", true},  {"PR", "N|L|H", true}, {"UI", "N|R", true},
    {"S", "U|C", true},      {"C", "H|L|N", true}, {"I", "H|L|N", true},  {"A", "H|L|N", true},
    {"E", "X|U|P|F|H"},      {"RL", "X|O|T|W|U"},  {"RC", "X|U|R|C"},     {"CR", "X|L|M|H"},
    {"IR", "X|L|M|H"},       {"AR", "X|L|M|H"},    {"MAV", "X|N|A|L|P"},  {"MAC", "X|L|H"},
    {"MPR", "X|N|L|H"},      {"MUI", "X|N|R"},     {"MS", "X|U|C"},       {"MC", "X|N|L|H"},
    {"MI", "X|N|L|H"},       {"MA", "X|N|L|H"},
}};
enum V3 { kAV, kAC, kPR, kUI, kS, kC, kI, kA };

// v4.0: base, threat, environmental and supplemental metrics (specification section 7, table 23).
constexpr std::array<MetricDef, 32> kV4Metrics = {{
    {"AV", "N|A|L|P", true}, {"AC", "L|H", true},   {"AT", "N|P", true},   {"PR", "N|L|H", true},
    {"UI", "N|P|A", true},   {"VC", "H|L|N", true}, {"VI", "H|L|N", true}, {"VA", "H|L|N", true},
    {"SC", "H|L|N", true},   {"SI", "H|L|N", true}, {"SA", "H|L|N", true}, {"E", "X|A|P|U"},
    {"CR", "X|H|M|L"},       {"IR", "X|H|M|L"},     {"AR", "X|H|M|L"},     {"MAV", "X|N|A|L|P"},
    {"MAC", "X|L|H"},        {"MAT", "X|N|P"},      {"MPR", "X|N|L|H"},    {"MUI", "X|N|P|A"},
    {"MVC", "X|H|L|N"},      {"MVI", "X|H|L|N"},    {"MVA", "X|H|L|N"},    {"MSC", "X|H|L|N"},
    {"MSI", "X|S|H|L|N"},    {"MSA", "X|S|H|L|N"},  {"S", "X|N|P"},        {"AU", "X|N|Y"},
    {"R", "X|A|U|I"},        {"V", "X|D|C"},        {"RE", "X|L|M|H"},     {"U", "X|Clear|Green|Amber|Red"},
}};
enum V4 { k4AV, k4AC, k4AT, k4PR, k4UI, k4VC, k4VI, k4VA, k4SC, k4SI, k4SA };

bool allowed(std::string_view values, std::string_view value) {
  while (!values.empty()) {
    const auto bar = values.find('|');
    if (values.substr(0, bar) == value) {
      return true;
    }
    if (bar == std::string_view::npos) {
      break;
    }
    values.remove_prefix(bar + 1);
  }
  return false;
}

template <std::size_t N>
Result<std::array<std::string_view, N>> parse_metrics(std::string_view vector, std::string_view body,
                                                      const std::array<MetricDef, N>& defs) {
  const auto bad = [&](const std::string& why) {
    return fail(ErrorCode::InvalidArgument, "cvss: " + why + " in \"" + std::string(vector) + "\"");
  };
  std::array<std::string_view, N> values{};
  while (true) {
    const auto slash = body.find('/');
    const auto field = body.substr(0, slash);
    const auto colon = field.find(':');
    if (field.empty()) {
      return bad("empty field");
    }
    if (colon == std::string_view::npos) {
      return bad("field \"" + std::string(field) + "\" is not metric:value");
    }
    const auto name = field.substr(0, colon);
    const auto value = field.substr(colon + 1);
    std::size_t i = 0;
    while (i < N && defs[i].name != name) {
      ++i;
    }
    if (i == N) {
      return bad("unknown metric \"" + std::string(name) + "\"");
    }
    if (!values[i].empty()) {
      return bad("duplicate metric " + std::string(name));
    }
    if (!allowed(defs[i].values, value)) {
      return bad("invalid value " + std::string(field));
    }
    values[i] = value;
    if (slash == std::string_view::npos) {
      break;
    }
    body.remove_prefix(slash + 1);
  }
  for (std::size_t i = 0; i < N; ++i) {
    if (defs[i].base && values[i].empty()) {
      return bad("missing base metric " + std::string(defs[i].name));
    }
  }
  return values;
}

// CVSS v3.1 Appendix A: the smallest one-decimal number >= x, computed on integers so that float noise
// (e.g. 4.000000000000001) does not round up a whole tenth.
double roundup_v31(double x) {
  const auto scaled = static_cast<long long>(std::llround(x * 100000));
  if (scaled % 10000 == 0) {
    return static_cast<double>(scaled) / 100000.0;
  }
  return (std::floor(static_cast<double>(scaled) / 10000.0) + 1) / 10.0;
}

double roundup_v30(double x) {
  return std::ceil(x * 10) / 10;
}

double v3_base(const std::array<std::string_view, kV3Metrics.size()>& m, Version version) {
  const auto cia = [](std::string_view v) { return v == "H" ? 0.56 : v == "L" ? 0.22 : 0.0; };
  const bool changed = m[kS] == "C";
  const double av = m[kAV] == "N" ? 0.85 : m[kAV] == "A" ? 0.62 : m[kAV] == "L" ? 0.55 : 0.2;
  const double ac = m[kAC] == "L" ? 0.77 : 0.44;
  const double pr = m[kPR] == "N" ? 0.85 : m[kPR] == "L" ? (changed ? 0.68 : 0.62) : (changed ? 0.5 : 0.27);
  const double ui = m[kUI] == "N" ? 0.85 : 0.62;
  const double iss = 1 - ((1 - cia(m[kC])) * (1 - cia(m[kI])) * (1 - cia(m[kA])));
  const double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * std::pow(iss - 0.02, 15) : 6.42 * iss;
  const double exploitability = 8.22 * av * ac * pr * ui;
  if (impact <= 0) {
    return 0;
  }
  const double raw =
      changed ? std::min(1.08 * (impact + exploitability), 10.0) : std::min(impact + exploitability, 10.0);
  return version == Version::V3_0 ? roundup_v30(raw) : roundup_v31(raw);
}

// ---- v4.0 -----------------------------------------------------------------------------------------------
// MacroVector scores (EQ1..EQ6 digits), as published with the specification.
struct MacroScore {
  std::string_view macro;
  double score;
};
constexpr std::array<MacroScore, 270> kMacroScores = {{
    {"000000", 10.0}, {"000001", 9.9}, {"000010", 9.8}, {"000011", 9.5}, {"000020", 9.5}, {"000021", 9.2},
    {"000100", 10.0}, {"000101", 9.6}, {"000110", 9.3}, {"000111", 8.7}, {"000120", 9.1}, {"000121", 8.1},
    {"000200", 9.3},  {"000201", 9.0}, {"000210", 8.9}, {"000211", 8.0}, {"000220", 8.1}, {"000221", 6.8},
    {"001000", 9.8},  {"001001", 9.5}, {"001010", 9.5}, {"001011", 9.2}, {"001020", 9.0}, {"001021", 8.4},
    {"001100", 9.3},  {"001101", 9.2}, {"001110", 8.9}, {"001111", 8.1}, {"001120", 8.1}, {"001121", 6.5},
    {"001200", 8.8},  {"001201", 8.0}, {"001210", 7.8}, {"001211", 7.0}, {"001220", 6.9}, {"001221", 4.8},
    {"002001", 9.2},  {"002011", 8.2}, {"002021", 7.2}, {"002101", 7.9}, {"002111", 6.9}, {"002121", 5.0},
    {"002201", 6.9},  {"002211", 5.5}, {"002221", 2.7}, {"010000", 9.9}, {"010001", 9.7}, {"010010", 9.5},
    {"010011", 9.2},  {"010020", 9.2}, {"010021", 8.5}, {"010100", 9.5}, {"010101", 9.1}, {"010110", 9.0},
    {"010111", 8.3},  {"010120", 8.4}, {"010121", 7.1}, {"010200", 9.2}, {"010201", 8.1}, {"010210", 8.2},
    {"010211", 7.1},  {"010220", 7.2}, {"010221", 5.3}, {"011000", 9.5}, {"011001", 9.3}, {"011010", 9.2},
    {"011011", 8.5},  {"011020", 8.5}, {"011021", 7.3}, {"011100", 9.2}, {"011101", 8.2}, {"011110", 8.0},
    {"011111", 7.2},  {"011120", 7.0}, {"011121", 5.9}, {"011200", 8.4}, {"011201", 7.0}, {"011210", 7.1},
    {"011211", 5.2},  {"011220", 5.0}, {"011221", 3.0}, {"012001", 8.6}, {"012011", 7.5}, {"012021", 5.2},
    {"012101", 7.1},  {"012111", 5.2}, {"012121", 2.9}, {"012201", 6.3}, {"012211", 2.9}, {"012221", 1.7},
    {"100000", 9.8},  {"100001", 9.5}, {"100010", 9.4}, {"100011", 8.7}, {"100020", 9.1}, {"100021", 8.1},
    {"100100", 9.4},  {"100101", 8.9}, {"100110", 8.6}, {"100111", 7.4}, {"100120", 7.7}, {"100121", 6.4},
    {"100200", 8.7},  {"100201", 7.5}, {"100210", 7.4}, {"100211", 6.3}, {"100220", 6.3}, {"100221", 4.9},
    {"101000", 9.4},  {"101001", 8.9}, {"101010", 8.8}, {"101011", 7.7}, {"101020", 7.6}, {"101021", 6.7},
    {"101100", 8.6},  {"101101", 7.6}, {"101110", 7.4}, {"101111", 5.8}, {"101120", 5.9}, {"101121", 5.0},
    {"101200", 7.2},  {"101201", 5.7}, {"101210", 5.7}, {"101211", 5.2}, {"101220", 5.2}, {"101221", 2.5},
    {"102001", 8.3},  {"102011", 7.0}, {"102021", 5.4}, {"102101", 6.5}, {"102111", 5.8}, {"102121", 2.6},
    {"102201", 5.3},  {"102211", 2.1}, {"102221", 1.3}, {"110000", 9.5}, {"110001", 9.0}, {"110010", 8.8},
    {"110011", 7.6},  {"110020", 7.6}, {"110021", 7.0}, {"110100", 9.0}, {"110101", 7.7}, {"110110", 7.5},
    {"110111", 6.2},  {"110120", 6.1}, {"110121", 5.3}, {"110200", 7.7}, {"110201", 6.6}, {"110210", 6.8},
    {"110211", 5.9},  {"110220", 5.2}, {"110221", 3.0}, {"111000", 8.9}, {"111001", 7.8}, {"111010", 7.6},
    {"111011", 6.7},  {"111020", 6.2}, {"111021", 5.8}, {"111100", 7.4}, {"111101", 5.9}, {"111110", 5.7},
    {"111111", 5.7},  {"111120", 4.7}, {"111121", 2.3}, {"111200", 6.1}, {"111201", 5.2}, {"111210", 5.7},
    {"111211", 2.9},  {"111220", 2.4}, {"111221", 1.6}, {"112001", 7.1}, {"112011", 5.9}, {"112021", 3.0},
    {"112101", 5.8},  {"112111", 2.6}, {"112121", 1.5}, {"112201", 2.3}, {"112211", 1.3}, {"112221", 0.6},
    {"200000", 9.3},  {"200001", 8.7}, {"200010", 8.6}, {"200011", 7.2}, {"200020", 7.5}, {"200021", 5.8},
    {"200100", 8.6},  {"200101", 7.4}, {"200110", 7.4}, {"200111", 6.1}, {"200120", 5.6}, {"200121", 3.4},
    {"200200", 7.0},  {"200201", 5.4}, {"200210", 5.2}, {"200211", 4.0}, {"200220", 4.0}, {"200221", 2.2},
    {"201000", 8.5},  {"201001", 7.5}, {"201010", 7.4}, {"201011", 5.5}, {"201020", 6.2}, {"201021", 5.1},
    {"201100", 7.2},  {"201101", 5.7}, {"201110", 5.5}, {"201111", 4.1}, {"201120", 4.6}, {"201121", 1.9},
    {"201200", 5.3},  {"201201", 3.6}, {"201210", 3.4}, {"201211", 1.9}, {"201220", 1.9}, {"201221", 0.8},
    {"202001", 6.4},  {"202011", 5.1}, {"202021", 2.0}, {"202101", 4.7}, {"202111", 2.1}, {"202121", 1.1},
    {"202201", 2.4},  {"202211", 0.9}, {"202221", 0.4}, {"210000", 8.8}, {"210001", 7.5}, {"210010", 7.3},
    {"210011", 5.3},  {"210020", 6.0}, {"210021", 5.0}, {"210100", 7.3}, {"210101", 5.5}, {"210110", 5.9},
    {"210111", 4.0},  {"210120", 4.1}, {"210121", 2.0}, {"210200", 5.4}, {"210201", 4.3}, {"210210", 4.5},
    {"210211", 2.2},  {"210220", 2.0}, {"210221", 1.1}, {"211000", 7.5}, {"211001", 5.5}, {"211010", 5.8},
    {"211011", 4.5},  {"211020", 4.0}, {"211021", 2.1}, {"211100", 6.1}, {"211101", 5.1}, {"211110", 4.8},
    {"211111", 1.8},  {"211120", 2.0}, {"211121", 0.9}, {"211200", 4.6}, {"211201", 1.8}, {"211210", 1.7},
    {"211211", 0.7},  {"211220", 0.8}, {"211221", 0.2}, {"212001", 5.3}, {"212011", 2.4}, {"212021", 1.4},
    {"212101", 2.4},  {"212111", 1.2}, {"212121", 0.5}, {"212201", 1.0}, {"212211", 0.3}, {"212221", 0.1},
}};

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double lookup(int eq1, int eq2, int eq3, int eq4, int eq5, int eq6) {
  const std::array<int, 6> digits = {eq1, eq2, eq3, eq4, eq5, eq6};
  std::string key;
  for (const int d : digits) {
    key.push_back(static_cast<char>('0' + d));
  }
  std::size_t lo = 0;
  std::size_t hi = kMacroScores.size();
  while (lo < hi) {
    const std::size_t mid = (lo + hi) / 2;
    if (kMacroScores[mid].macro < key) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo < kMacroScores.size() && kMacroScores[lo].macro == key ? kMacroScores[lo].score : kNaN;
}

// Severity levels per metric value (distance from the most severe value), as in the reference calculator.
double level(std::string_view metric, char v) {
  if (metric == "AV") {
    return v == 'N' ? 0.0 : v == 'A' ? 0.1 : v == 'L' ? 0.2 : 0.3;
  }
  if (metric == "PR") {
    return v == 'N' ? 0.0 : v == 'L' ? 0.1 : 0.2;
  }
  if (metric == "UI") {
    return v == 'N' ? 0.0 : v == 'P' ? 0.1 : 0.2;
  }
  if (metric == "AC") {
    return v == 'L' ? 0.0 : 0.1;
  }
  if (metric == "AT") {
    return v == 'N' ? 0.0 : 0.1;
  }
  if (metric == "VC" || metric == "VI" || metric == "VA") {
    return v == 'H' ? 0.0 : v == 'L' ? 0.1 : 0.2;
  }
  if (metric == "SC") {
    return v == 'H' ? 0.1 : v == 'L' ? 0.2 : 0.3;
  }
  if (metric == "SI" || metric == "SA") {
    return v == 'S' ? 0.0 : v == 'H' ? 0.1 : v == 'L' ? 0.2 : 0.3;
  }
  return v == 'H' ? 0.0 : v == 'M' ? 0.1 : 0.2;  // CR, IR, AR
}

// The value of `metric` in a max-vector fragment such as "AV:N/PR:N/UI:N/".
char value_in(std::string_view fragment, std::string_view metric) {
  std::size_t at = 0;
  while (at < fragment.size()) {
    const auto end = fragment.find('/', at);
    const auto field = fragment.substr(at, end - at);
    if (field.size() == metric.size() + 2 && field.substr(0, metric.size()) == metric &&
        field[metric.size()] == ':') {
      return field.back();
    }
    at = end + 1;
  }
  return '?';
}

using Fragments = std::vector<std::string_view>;

Fragments eq1_maxes(int eq1) {
  if (eq1 == 0) {
    return {"AV:N/PR:N/UI:N/"};
  }
  if (eq1 == 1) {
    return {"AV:A/PR:N/UI:N/", "AV:N/PR:L/UI:N/", "AV:N/PR:N/UI:P/"};
  }
  return {"AV:P/PR:N/UI:N/", "AV:A/PR:L/UI:P/"};
}

Fragments eq2_maxes(int eq2) {
  if (eq2 == 0) {
    return {"AC:L/AT:N/"};
  }
  return {"AC:H/AT:N/", "AC:L/AT:P/"};
}

Fragments eq3eq6_maxes(int eq3, int eq6) {
  if (eq3 == 0 && eq6 == 0) {
    return {"VC:H/VI:H/VA:H/CR:H/IR:H/AR:H/"};
  }
  if (eq3 == 0) {
    return {"VC:H/VI:H/VA:L/CR:M/IR:M/AR:H/", "VC:H/VI:H/VA:H/CR:M/IR:M/AR:M/"};
  }
  if (eq3 == 1 && eq6 == 0) {
    return {"VC:L/VI:H/VA:H/CR:H/IR:H/AR:H/", "VC:H/VI:L/VA:H/CR:H/IR:H/AR:H/"};
  }
  if (eq3 == 1) {
    return {"VC:L/VI:H/VA:L/CR:H/IR:M/AR:H/", "VC:L/VI:H/VA:H/CR:H/IR:M/AR:M/",
            "VC:H/VI:L/VA:H/CR:M/IR:H/AR:M/", "VC:H/VI:L/VA:L/CR:M/IR:H/AR:H/",
            "VC:L/VI:L/VA:H/CR:H/IR:H/AR:M/"};
  }
  return {"VC:L/VI:L/VA:L/CR:H/IR:H/AR:H/"};
}

Fragments eq4_maxes(int eq4) {
  if (eq4 == 0) {
    return {"SC:H/SI:S/SA:S/"};
  }
  if (eq4 == 1) {
    return {"SC:H/SI:H/SA:H/"};
  }
  return {"SC:L/SI:L/SA:L/"};
}

// Depth of each MacroVector in severity steps.
double max_severity_eq1(int eq1) {
  return eq1 == 0 ? 1 : eq1 == 1 ? 4 : 5;
}
double max_severity_eq2(int eq2) {
  return eq2 == 0 ? 1 : 2;
}
double max_severity_eq3eq6(int eq3, int eq6) {
  if (eq3 == 0) {
    return eq6 == 0 ? 7 : 6;
  }
  return eq3 == 1 ? 8 : 10;
}
double max_severity_eq4(int eq4) {
  return eq4 == 0 ? 6 : eq4 == 1 ? 5 : 4;
}

// CVSS-B: threat metrics at their default (E:A), requirements at High, no modified metrics. The arithmetic
// follows the reference calculator step by step so that results agree to the last bit before rounding.
double v4_base(const std::array<std::string_view, kV4Metrics.size()>& metrics) {
  std::array<char, 11> b{};
  for (std::size_t i = 0; i < b.size(); ++i) {
    b[i] = metrics[i].front();
  }
  const auto m = [&](std::string_view name) -> char {
    if (name == "CR" || name == "IR" || name == "AR") {
      return 'H';
    }
    for (std::size_t i = 0; i < b.size(); ++i) {
      if (kV4Metrics[i].name == name) {
        return b[i];
      }
    }
    return '?';
  };
  const char av = m("AV"), pr = m("PR"), ui = m("UI"), ac = m("AC"), at = m("AT");
  const char vc = m("VC"), vi = m("VI"), va = m("VA"), sc = m("SC"), si = m("SI"), sa = m("SA");
  if (vc == 'N' && vi == 'N' && va == 'N' && sc == 'N' && si == 'N' && sa == 'N') {
    return 0.0;
  }
  const bool any_n = av == 'N' || pr == 'N' || ui == 'N';
  const bool all_n = av == 'N' && pr == 'N' && ui == 'N';
  const int eq1 = all_n ? 0 : (any_n && av != 'P') ? 1 : 2;
  const int eq2 = (ac == 'L' && at == 'N') ? 0 : 1;
  const int eq3 = (vc == 'H' && vi == 'H') ? 0 : (vc == 'H' || vi == 'H' || va == 'H') ? 1 : 2;
  const int eq4 = (sc == 'H' || si == 'H' || sa == 'H') ? 1 : 2;
  const int eq5 = 0;
  const int eq6 = (vc == 'H' || vi == 'H' || va == 'H') ? 0 : 1;  // CR, IR and AR are High

  double value = lookup(eq1, eq2, eq3, eq4, eq5, eq6);
  const double score_eq1_next = lookup(eq1 + 1, eq2, eq3, eq4, eq5, eq6);
  const double score_eq2_next = lookup(eq1, eq2 + 1, eq3, eq4, eq5, eq6);
  double score_eq3eq6_next = kNaN;
  if (eq3 == 0 && eq6 == 0) {
    const double left = lookup(eq1, eq2, eq3, eq4, eq5, eq6 + 1);
    const double right = lookup(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
    score_eq3eq6_next = left > right ? left : right;
  } else if (eq6 == 0) {
    score_eq3eq6_next = lookup(eq1, eq2, eq3, eq4, eq5, eq6 + 1);
  } else if (eq3 <= 1) {
    score_eq3eq6_next = lookup(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
  }
  const double score_eq4_next = lookup(eq1, eq2, eq3, eq4 + 1, eq5, eq6);
  const double score_eq5_next = lookup(eq1, eq2, eq3, eq4, eq5 + 1, eq6);

  constexpr std::array<std::string_view, 14> kNames = {"AV", "PR", "UI", "AC", "AT", "VC", "VI",
                                                       "VA", "SC", "SI", "SA", "CR", "IR", "AR"};
  std::vector<std::string> max_vectors;
  for (const auto f1 : eq1_maxes(eq1)) {
    for (const auto f2 : eq2_maxes(eq2)) {
      for (const auto f3 : eq3eq6_maxes(eq3, eq6)) {
        for (const auto f4 : eq4_maxes(eq4)) {
          max_vectors.push_back(std::string(f1).append(f2).append(f3).append(f4));
        }
      }
    }
  }
  // The first max vector that is at least as severe in every metric; like the reference, the last one when
  // none.
  std::array<double, 14> distance{};
  for (const auto& max_vector : max_vectors) {
    bool negative = false;
    for (std::size_t i = 0; i < kNames.size(); ++i) {
      distance[i] = level(kNames[i], m(kNames[i])) - level(kNames[i], value_in(max_vector, kNames[i]));
      negative = negative || distance[i] < 0;
    }
    if (!negative) {
      break;
    }
  }
  const auto d = [&](std::size_t i) { return distance[i]; };
  const double current_eq1 = d(0) + d(1) + d(2);
  const double current_eq2 = d(3) + d(4);
  const double current_eq3eq6 = d(5) + d(6) + d(7) + d(11) + d(12) + d(13);
  const double current_eq4 = d(8) + d(9) + d(10);
  const double step = 0.1;

  const std::array<double, 5> available = {value - score_eq1_next, value - score_eq2_next,
                                           value - score_eq3eq6_next, value - score_eq4_next,
                                           value - score_eq5_next};
  const std::array<double, 5> percent_of = {current_eq1 / (max_severity_eq1(eq1) * step),
                                            current_eq2 / (max_severity_eq2(eq2) * step),
                                            current_eq3eq6 / (max_severity_eq3eq6(eq3, eq6) * step),
                                            current_eq4 / (max_severity_eq4(eq4) * step), 0.0};
  int existing_lower = 0;
  std::array<double, 5> normalized{};
  for (std::size_t i = 0; i < available.size(); ++i) {
    if (std::isnan(available[i])) {
      continue;
    }
    ++existing_lower;
    normalized[i] = available[i] * percent_of[i];
  }
  const double mean_distance =
      existing_lower == 0
          ? 0
          : (normalized[0] + normalized[1] + normalized[2] + normalized[3] + normalized[4]) / existing_lower;
  value -= mean_distance;
  value = std::clamp(value, 0.0, 10.0);
  // Half up at one decimal after an epsilon lift: the interpolation can land one ULP below an x.x5 tie.
  return std::floor((value + 1e-6) * 10 + 0.5) / 10;
}

Result<Score> score_v3(std::string_view vector, std::string_view body, Version version) {
  auto metrics = parse_metrics(vector, body, kV3Metrics);
  if (!metrics) {
    return std::unexpected(std::move(metrics).error());
  }
  const double base = v3_base(*metrics, version);
  return Score{version, base, rating(base)};
}

Result<Score> score_v4(std::string_view vector, std::string_view body) {
  auto metrics = parse_metrics(vector, body, kV4Metrics);
  if (!metrics) {
    return std::unexpected(std::move(metrics).error());
  }
  const double base = v4_base(*metrics);
  return Score{Version::V4_0, base, rating(base)};
}

}  // namespace

Severity rating(double score) {
  const long tenths = std::lround(score * 10);
  if (tenths <= 0) {
    return Severity::Negligible;
  }
  if (tenths < 40) {
    return Severity::Low;
  }
  if (tenths < 70) {
    return Severity::Medium;
  }
  if (tenths < 90) {
    return Severity::High;
  }
  return Severity::Critical;
}

Result<Score> score(std::string_view vector) {
  if (vector.size() > kMaxVectorBytes) {
    return fail(ErrorCode::InvalidArgument,
                "cvss: vector longer than " + std::to_string(kMaxVectorBytes) + " bytes");
  }
  const auto slash = vector.find('/');
  const auto prefix = vector.substr(0, slash);
  const auto body = slash == std::string_view::npos ? std::string_view{} : vector.substr(slash + 1);
  if (prefix == "CVSS:3.1") {
    return score_v3(vector, body, Version::V3_1);
  }
  if (prefix == "CVSS:3.0") {
    return score_v3(vector, body, Version::V3_0);
  }
  if (prefix == "CVSS:4.0") {
    return score_v4(vector, body);
  }
  return fail(ErrorCode::InvalidArgument,
              "cvss: \"" + std::string(vector) + "\" does not start with CVSS:3.0/, CVSS:3.1/ or CVSS:4.0/");
}

}  // namespace regscand::scanner::feeds::cvss
