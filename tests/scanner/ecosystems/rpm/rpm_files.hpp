// Builders for small rpm databases in tests: a header blob from tags, and BerkeleyDB hash / ndb files
// holding given blobs, laid out as rpm writes them, so hostile variants are a few byte patches away.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace regscand::scanner::ecosystems::rpm::testing {

struct TagValue {
  std::uint32_t tag;
  std::uint32_t type;  // 4 = int32, 6 = string, ...
  std::string data;    // the bytes in the data store (strings with their NUL)
  std::uint32_t count = 1;
};

inline void put_be32(std::string& s, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s[at + i] = static_cast<char>(v >> (24 - 8 * i));
}
inline void put32(std::string& s, std::size_t at, std::uint32_t v, bool big = false) {
  if (big) return put_be32(s, at, v);
  for (int i = 0; i < 4; ++i) s[at + i] = static_cast<char>(v >> (8 * i));
}
inline void put16(std::string& s, std::size_t at, std::uint16_t v, bool big = false) {
  s[at + (big ? 1 : 0)] = static_cast<char>(v & 0xff);
  s[at + (big ? 0 : 1)] = static_cast<char>(v >> 8);
}

inline TagValue str(std::uint32_t tag, const std::string& value) {
  return {tag, 6, value + '\0'};
}
inline TagValue int32(std::uint32_t tag, std::uint32_t value) {
  std::string data(4, '\0');
  put_be32(data, 0, value);
  return {tag, 4, data};
}

inline std::string header_blob(const std::vector<TagValue>& tags) {
  std::string index, data;
  for (const auto& t : tags) {
    if (t.type == 4) data.resize((data.size() + 3) / 4 * 4, '\0');
    std::string entry(16, '\0');
    put_be32(entry, 0, t.tag);
    put_be32(entry, 4, t.type);
    put_be32(entry, 8, static_cast<std::uint32_t>(data.size()));
    put_be32(entry, 12, t.count);
    index += entry;
    data += t.data;
  }
  std::string out(8, '\0');
  put_be32(out, 0, static_cast<std::uint32_t>(tags.size()));
  put_be32(out, 4, static_cast<std::uint32_t>(data.size()));
  return out + index + data;
}

inline std::string package_blob(const std::string& name, const std::string& version = "1.0",
                                const std::string& release = "1.el9") {
  return header_blob({str(1000, name), str(1001, version), str(1002, release), str(1022, "x86_64"),
                      str(1044, name + "-" + version + "-" + release + ".src.rpm")});
}

// Page 0 metadata, page 1 one hash page (the key-0 counter, then one off-page pair per blob), then each
// blob's overflow chain in order. Returns the file; `first_overflow[i]` receives blob i's first page.
inline std::string make_bdb(const std::vector<std::string>& blobs, std::uint32_t page_size = 4096,
                            bool big = false, std::vector<std::uint32_t>* first_overflow = nullptr) {
  const std::size_t header = 26;
  const std::size_t capacity = page_size - header;
  std::uint32_t pages = 2;
  std::vector<std::uint32_t> firsts;
  for (const auto& b : blobs) {
    firsts.push_back(pages);
    pages += static_cast<std::uint32_t>(b.empty() ? 1 : (b.size() + capacity - 1) / capacity);
  }
  std::string file(std::size_t{pages} * page_size, '\0');
  put32(file, 12, 0x061561, big);
  put32(file, 16, 9, big);
  put32(file, 20, page_size, big);
  file[25] = 8;
  put32(file, 32, pages - 1, big);

  const std::size_t hp = page_size;
  file[hp + 25] = 13;
  put32(file, hp + 8, 1, big);
  const std::size_t entries = 2 * (blobs.size() + 1);
  put16(file, hp + 20, static_cast<std::uint16_t>(entries), big);
  std::size_t top = page_size;
  auto add_item = [&](std::size_t i, const std::string& item) {
    top -= item.size();
    file.replace(hp + top, item.size(), item);
    put16(file, hp + header + 2 * i, static_cast<std::uint16_t>(top), big);
  };
  std::string counter_key(5, '\0'), counter_value(5, '\0');
  counter_key[0] = counter_value[0] = 1;
  put32(counter_value, 1, static_cast<std::uint32_t>(blobs.size()), big);
  add_item(0, counter_key);
  add_item(1, counter_value);
  for (std::size_t i = 0; i < blobs.size(); ++i) {
    std::string key(5, '\0'), ref(12, '\0');
    key[0] = 1;
    put32(key, 1, static_cast<std::uint32_t>(i + 1), big);
    ref[0] = 3;
    put32(ref, 4, firsts[i], big);
    put32(ref, 8, static_cast<std::uint32_t>(blobs[i].size()), big);
    add_item(2 * i + 2, key);
    add_item(2 * i + 3, ref);
  }
  put16(file, hp + 22, static_cast<std::uint16_t>(top), big);

  for (std::size_t i = 0; i < blobs.size(); ++i) {
    std::size_t done = 0;
    std::uint32_t p = firsts[i];
    do {
      const std::size_t at = std::size_t{p} * page_size;
      const std::size_t len = std::min(capacity, blobs[i].size() - done);
      file[at + 25] = 7;
      put32(file, at + 8, p, big);
      put16(file, at + 22, static_cast<std::uint16_t>(len), big);
      file.replace(at + header, len, blobs[i].substr(done, len));
      done += len;
      put32(file, at + 16, done < blobs[i].size() ? p + 1 : 0, big);
      ++p;
    } while (done < blobs[i].size());
  }
  if (first_overflow != nullptr) *first_overflow = firsts;
  return file;
}

// One slot page (slot i at 32 + 16 i), then the blobs in 16-byte blocks with head and tail.
inline std::string make_ndb(const std::vector<std::string>& blobs) {
  std::string file(4096, '\0');
  file.replace(0, 4, "RpmP");
  put32(file, 8, 1);
  put32(file, 12, 1);
  put32(file, 16, static_cast<std::uint32_t>(blobs.size() + 1));
  for (std::size_t slot = 2; slot < 4096 / 16; ++slot) file.replace(slot * 16, 4, "Slot");
  for (std::size_t i = 0; i < blobs.size(); ++i) {
    const std::size_t blocks = (16 + blobs[i].size() + 12 + 15) / 16;
    const std::size_t at = file.size();
    file.resize(at + blocks * 16, '\0');
    file.replace(at, 4, "BlbS");
    put32(file, at + 4, static_cast<std::uint32_t>(i + 1));
    put32(file, at + 8, 1);
    put32(file, at + 12, static_cast<std::uint32_t>(blobs[i].size()));
    file.replace(at + 16, blobs[i].size(), blobs[i]);
    const std::size_t tail = at + blocks * 16 - 12;
    put32(file, tail + 4, static_cast<std::uint32_t>(blobs[i].size()));
    file.replace(tail + 8, 4, "BlbE");
    const std::size_t slot = 32 + 16 * i;
    put32(file, slot + 4, static_cast<std::uint32_t>(i + 1));
    put32(file, slot + 8, static_cast<std::uint32_t>(at / 16));
    put32(file, slot + 12, static_cast<std::uint32_t>(blocks));
  }
  return file;
}

}  // namespace regscand::scanner::ecosystems::rpm::testing
