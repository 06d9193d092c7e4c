#include "scanner/ecosystems/maven/version.hpp"

#include <array>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace regscand::scanner::ecosystems::maven {
namespace {

constexpr std::size_t kMaxUtf16Length = 256;

int sign(int c) {
  return (c > 0) - (c < 0);
}
bool is_digit(char32_t c) {
  return c >= '0' && c <= '9';
}

// Java's Character.toLowerCase for ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic capitals.
char32_t to_lower(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if ((c >= 0xC0 && c <= 0xDE && c != 0xD7) || (c >= 0x391 && c <= 0x3AB && c != 0x3A2) ||
      (c >= 0x410 && c <= 0x42F)) {
    return c + 32;
  }
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  if (c == 0x386) return 0x3AC;
  if (c >= 0x388 && c <= 0x38A) return c + 37;
  if (c == 0x38C) return 0x3CC;
  if (c == 0x38E || c == 0x38F) return c + 63;
  if (c == 0x178) return 0xFF;
  if (c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 && c != 0x178 &&
      c != 0x17F) {
    const bool odd_upper = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
    if (odd_upper ? (c % 2 == 1) : (c % 2 == 0)) return c + 1;
  }
  return c;
}

// The UTF-8 text lower-cased, or nullopt for invalid UTF-8 or more than kMaxUtf16Length UTF-16 units.
std::optional<std::u32string> decode_lower(std::string_view s) {
  std::u32string out;
  std::size_t utf16 = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    char32_t c = 0;
    if (b < 0x80) {
      n = 1;
      c = b;
    } else if ((b & 0xE0) == 0xC0) {
      n = 2;
      c = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      n = 3;
      c = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      n = 4;
      c = b & 0x07;
    } else {
      return std::nullopt;
    }
    if (i + n > s.size()) return std::nullopt;
    for (std::size_t k = 1; k < n; ++k) {
      const auto cont = static_cast<unsigned char>(s[i + k]);
      if ((cont & 0xC0) != 0x80) return std::nullopt;
      c = (c << 6) | (cont & 0x3F);
    }
    constexpr std::array<char32_t, 5> kMin = {0, 0, 0x80, 0x800, 0x10000};
    if (c < kMin[n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return std::nullopt;
    utf16 += c >= 0x10000 ? 2 : 1;
    if (utf16 > kMaxUtf16Length) return std::nullopt;
    out.push_back(to_lower(c));
    i += n;
  }
  return out;
}

struct Item {
  enum class Kind { Number, String, Combination, List };
  Kind kind = Kind::List;
  std::u32string text;      // Number: digits without leading zeros ("0" for zero); String: the qualifier
  std::vector<Item> items;  // List: its items; Combination: {string part, digit part}
};

bool is_null(const Item& i) {
  switch (i.kind) {
    case Item::Kind::Number:
      return i.text == U"0";
    case Item::Kind::String:
      return i.text.empty();
    case Item::Kind::Combination:
      return false;
    case Item::Kind::List:
      return i.items.empty();
  }
  return false;
}

Item number(std::u32string_view digits) {
  while (!digits.empty() && digits.front() == '0') digits.remove_prefix(1);
  return Item{Item::Kind::Number, digits.empty() ? std::u32string(U"0") : std::u32string(digits), {}};
}

Item string_item(std::u32string value, bool followed_by_digit) {
  if (followed_by_digit && value.size() == 1) {
    if (value == U"a") value = U"alpha";
    if (value == U"b") value = U"beta";
    if (value == U"m") value = U"milestone";
  }
  if (value == U"cr") value = U"rc";
  return Item{Item::Kind::String, std::move(value), {}};
}

Item combination(std::u32string value) {
  std::erase(value, U'-');
  std::size_t index = 0;
  while (index < value.size() && !is_digit(value[index])) ++index;
  if (index == value.size()) index = 0;
  Item out{Item::Kind::Combination, {}, {}};
  out.items.push_back(string_item(value.substr(0, index), true));
  out.items.push_back(number(std::u32string_view(value).substr(index)));
  return out;
}

Item parse_item(bool is_combination, bool digits, std::u32string_view buf) {
  if (is_combination) return combination(std::u32string(buf));
  if (digits) return number(buf);
  return string_item(std::u32string(buf), false);
}

// The comparable form of a qualifier: known ones by rank, then the rest lexically after them.
std::u32string comparable_qualifier(const std::u32string& q) {
  if (q == U"ga" || q == U"final" || q == U"release") return U"5";
  static constexpr std::array<std::u32string_view, 7> kQualifiers = {
      U"alpha", U"beta", U"milestone", U"rc", U"snapshot", U"", U"sp"};
  for (std::size_t i = 0; i < kQualifiers.size(); ++i) {
    if (q == kQualifiers[i]) return std::u32string(1, static_cast<char32_t>(U'0' + i));
  }
  return U"7-" + q;
}

int compare_items(const Item& a, const Item* b);

int compare_string(const Item& a, const Item* b) {
  if (b == nullptr) return sign(comparable_qualifier(a.text).compare(U"5"));
  switch (b->kind) {
    case Item::Kind::Number:
      return -1;
    case Item::Kind::String:
      return sign(comparable_qualifier(a.text).compare(comparable_qualifier(b->text)));
    case Item::Kind::Combination:
      if (const int r = compare_string(a, &b->items[0]); r != 0) return r;
      if (compare_string(a, nullptr) == 0) return -compare_items(b->items[1], nullptr);
      return -1;
    case Item::Kind::List:
      return -compare_items(*b, &a);
  }
  return 0;
}

int compare_number(const Item& a, const Item* b) {
  if (b == nullptr) return is_null(a) ? 0 : 1;
  if (b->kind != Item::Kind::Number) return 1;
  if (a.text.size() != b->text.size()) return a.text.size() < b->text.size() ? -1 : 1;
  return sign(a.text.compare(b->text));
}

int compare_combination(const Item& a, const Item* b) {
  const Item& str = a.items[0];
  const Item& digits = a.items[1];
  if (b == nullptr) {
    if (const int r = compare_string(str, nullptr); r != 0) return r;
    return compare_items(digits, nullptr);
  }
  switch (b->kind) {
    case Item::Kind::Number:
      return -1;
    case Item::Kind::String:
      if (const int r = compare_string(str, b); r != 0) return r;
      if (compare_string(str, nullptr) == 0) return compare_items(digits, nullptr);
      return 1;
    case Item::Kind::List:
      return -compare_items(*b, &a);
    case Item::Kind::Combination:
      if (const int r = compare_string(str, &b->items[0]); r != 0) return r;
      return compare_items(digits, &b->items[1]);
  }
  return 0;
}

int compare_list(const Item& a, const Item* b) {
  if (b == nullptr) {
    for (const auto& i : a.items) {
      if (const int r = compare_items(i, nullptr); r != 0) return r;
    }
    return 0;
  }
  switch (b->kind) {
    case Item::Kind::Number:
      return -1;
    case Item::Kind::String:
    case Item::Kind::Combination: {
      int r = a.items.empty() ? -compare_items(*b, nullptr) : compare_items(a.items[0], b);
      for (std::size_t i = 1; r == 0 && i < a.items.size(); ++i) r = compare_items(a.items[i], nullptr);
      return r;
    }
    case Item::Kind::List:
      for (std::size_t i = 0; i < a.items.size() || i < b->items.size(); ++i) {
        const Item* l = i < a.items.size() ? &a.items[i] : nullptr;
        const Item* r = i < b->items.size() ? &b->items[i] : nullptr;
        const int c = l == nullptr ? -compare_items(*r, nullptr) : compare_items(*l, r);
        if (c != 0) return c;
      }
      return 0;
  }
  return 0;
}

int compare_items(const Item& a, const Item* b) {
  switch (a.kind) {
    case Item::Kind::Number:
      return compare_number(a, b);
    case Item::Kind::String:
      return compare_string(a, b);
    case Item::Kind::Combination:
      return compare_combination(a, b);
    case Item::Kind::List:
      return compare_list(a, b);
  }
  return 0;
}

void normalize(Item& list) {
  auto& items = list.items;
  for (std::size_t n = items.size(); n > 0; --n) {
    const std::size_t i = n - 1;
    if (!is_null(items[i])) continue;
    if (i == items.size() - 1 || items[i + 1].kind == Item::Kind::String) {
      items.erase(items.begin() + static_cast<std::ptrdiff_t>(i));
    } else if (items[i + 1].kind == Item::Kind::List && !items[i + 1].items.empty()) {
      const auto kind = items[i + 1].items[0].kind;
      if (kind == Item::Kind::Combination || kind == Item::Kind::String) {
        items.erase(items.begin() + static_cast<std::ptrdiff_t>(i));
      }
    }
  }
  if (items.size() == 1 && items[0].kind == Item::Kind::List) {
    std::vector<Item> inner = std::move(items[0].items);
    items = std::move(inner);
  }
}

// ComparableVersion.parseVersion(): each list is appended to only while it is the innermost, so the
// pointers on `stack` stay valid; lists are normalised innermost first.
Item parse(const std::u32string& v) {
  Item root;
  std::vector<Item*> stack{&root};
  Item* list = &root;
  const auto open_list = [&] {
    list->items.push_back(Item{});
    list = &list->items.back();
    stack.push_back(list);
  };
  bool digits = false;
  bool is_combination = false;
  std::size_t start = 0;
  const std::u32string_view s(v);
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char32_t c = s[i];
    if (c == '.') {
      list->items.push_back(i == start ? number(U"0")
                                       : parse_item(is_combination, digits, s.substr(start, i - start)));
      is_combination = false;
      start = i + 1;
    } else if (c == '-') {
      if (i == start) {
        list->items.push_back(number(U"0"));
      } else {
        if (!digits && i + 1 < s.size() && is_digit(s[i + 1])) {
          is_combination = true;
          continue;
        }
        list->items.push_back(parse_item(is_combination, digits, s.substr(start, i - start)));
      }
      start = i + 1;
      if (!list->items.empty()) open_list();
      is_combination = false;
    } else if (is_digit(c)) {
      if (!digits && i > start) {
        is_combination = true;
        if (!list->items.empty()) open_list();
      }
      digits = true;
    } else {
      if (digits && i > start) {
        list->items.push_back(parse_item(is_combination, true, s.substr(start, i - start)));
        start = i;
        open_list();
        is_combination = false;
      }
      digits = false;
    }
  }
  if (s.size() > start) {
    if (!digits && !list->items.empty()) open_list();
    list->items.push_back(parse_item(is_combination, digits, s.substr(start)));
  }
  for (auto it = stack.rbegin(); it != stack.rend(); ++it) normalize(**it);
  return root;
}

}  // namespace

std::optional<int> compare(std::string_view a, std::string_view b) {
  const auto la = decode_lower(a);
  const auto lb = decode_lower(b);
  if (!la || !lb) return std::nullopt;
  const Item va = parse(*la);
  const Item vb = parse(*lb);
  return compare_items(va, &vb);
}

}  // namespace regscand::scanner::ecosystems::maven
