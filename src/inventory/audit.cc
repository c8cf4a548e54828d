#include "stockroom/inventory/audit.h"

#include <openssl/evp.h>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

namespace stockroom::inventory {
namespace {

std::string Base64Url(const unsigned char* data, std::size_t size) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < size; ++i) {
    buffer = (buffer << 8) | data[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(buffer >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (6 - bits)) & 0x3f]);
  return out;
}

}  // namespace

std::string AuditHash(const AuditRecord& record) {
  const boost::json::array fields{record.id,
                                  record.at_ms,
                                  boost::json::string(record.event.actor_sub),
                                  boost::json::string(record.event.actor_name),
                                  boost::json::string(record.event.address),
                                  boost::json::string(record.event.action),
                                  boost::json::string(record.event.target),
                                  boost::json::string(record.event.details),
                                  boost::json::string(record.prev_hash)};
  const std::string canonical = boost::json::serialize(fields);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(canonical.data(), canonical.size(), digest, &len, EVP_sha256(), nullptr);
  return Base64Url(digest, len);
}

std::optional<AuditBreak> VerifyAuditChain(const std::vector<AuditRecord>& records, std::int64_t first_id,
                                           std::string prev_hash) {
  std::string prev = std::move(prev_hash);
  std::int64_t expected_id = first_id;
  for (const AuditRecord& record : records) {
    if (record.id != expected_id) {
      return AuditBreak{record.id, "expected record " + std::to_string(expected_id) + " here (removed or reordered)"};
    }
    if (record.prev_hash != prev) {
      return AuditBreak{record.id, "does not link to the record before it (removed, inserted or reordered)"};
    }
    if (AuditHash(record) != record.hash) return AuditBreak{record.id, "its contents were changed"};
    prev = record.hash;
    ++expected_id;
  }
  return std::nullopt;
}

}  // namespace stockroom::inventory
