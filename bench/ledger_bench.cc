// The ledger at scale (bench/README.md, "Ledger at scale"): does reading and posting stay flat
// as the database grows, and what does group commit buy for durable movements?
//
// For each size S (10k, 100k, 1M items by default) it creates a fresh database through
// store::OpenSqliteStore (so the migrations make the schema), closes it, seeds it with raw SQL
// on a separate sqlite3 connection (S items, 50 locations, 5*S movements with their lines and
// the balances and item quantities that follow from them), reopens it through the store and
// checks it with VerifyStock. Then, with every size open at once, it times the store's own
// calls, the sizes interleaved in rounds: median and 90th percentile of many single calls. On
// one size (100k by default) it then measures durable movement throughput with 1, 4, 16 and
// 64 client threads against a bare loop of single-row WAL transactions with synchronous=FULL.
//
// A plain timed harness rather than Google Benchmark: every size needs a database seeded
// first, and the answer is one table of sizes side by side.
#include <sqlite3.h>
#include <signal.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "stockroom/inventory/decimal.h"
#include "stockroom/inventory/movement.h"
#include "stockroom/store/sqlite_store.h"
#include "stockroom/store/store.h"

namespace {

using Clock = std::chrono::steady_clock;
using stockroom::inventory::Decimal;
using stockroom::inventory::MovementRequest;
using stockroom::inventory::MovementType;
namespace store = stockroom::store;

// ---------------------------------------------------------------------------------------------
// Options

struct Options {
  std::vector<std::int64_t> sizes = {10'000, 100'000, 1'000'000};
  std::int64_t movements_per_item = 5;
  int read_samples = 1000;       // timed calls per read operation and size
  int post_full_samples = 300;   // timed PostMovement calls with Durability::kFull
  int post_normal_samples = 1000;
  std::int64_t throughput_size = 100'000;  // the database the throughput part runs on
  std::vector<int> threads = {1, 4, 16, 64};
  int throughput_total = 2000;   // movements per thread count and repetition
  int throughput_reps = 5;
  std::int64_t verify_max = 1'000'000;  // VerifyStock on sizes up to this
  int open_timeout_s = 20;       // opening the database exactly as seeded, in a child process
  bool workaround = true;        // add an index on movement_lines (item_id) before the rest
  std::string dir = "/tmp";
  std::string out;               // also write the report here
  bool keep = false;             // keep the databases (for EXPLAIN QUERY PLAN by hand)
};

std::vector<std::int64_t> ParseList(const std::string& text) {
  std::vector<std::int64_t> values;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = text.find(',', start);
    const std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!part.empty()) values.push_back(std::stoll(part));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return values;
}

void Usage() {
  fmt::print(stderr,
             "usage: ledger_bench [--sizes=10000,100000,1000000] [--movements-per-item=5]\n"
             "  [--read-samples=1000] [--post-full-samples=300] [--post-normal-samples=1000]\n"
             "  [--throughput-size=100000] [--threads=1,4,16,64] [--throughput-total=2000]\n"
             "  [--throughput-reps=5] [--verify-max=1000000] [--open-timeout=20] [--no-workaround]\n"
             "  [--dir=/tmp] [--out=FILE] [--keep]\n");
}

Options ParseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto eq = arg.find('=');
    const std::string name = arg.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : arg.substr(eq + 1);
    if (name == "--sizes") o.sizes = ParseList(value);
    else if (name == "--movements-per-item") o.movements_per_item = std::stoll(value);
    else if (name == "--read-samples") o.read_samples = std::stoi(value);
    else if (name == "--post-full-samples") o.post_full_samples = std::stoi(value);
    else if (name == "--post-normal-samples") o.post_normal_samples = std::stoi(value);
    else if (name == "--throughput-size") o.throughput_size = std::stoll(value);
    else if (name == "--threads") {
      o.threads.clear();
      for (auto n : ParseList(value)) o.threads.push_back(static_cast<int>(n));
    } else if (name == "--throughput-total") o.throughput_total = std::stoi(value);
    else if (name == "--throughput-reps") o.throughput_reps = std::stoi(value);
    else if (name == "--verify-max") o.verify_max = std::stoll(value);
    else if (name == "--dir") o.dir = value;
    else if (name == "--out") o.out = value;
    else if (name == "--keep") o.keep = true;
    else if (name == "--open-timeout") o.open_timeout_s = std::stoi(value);
    else if (name == "--no-workaround") o.workaround = false;
    else {
      Usage();
      std::exit(arg == "--help" ? 0 : 2);
    }
  }
  if (o.sizes.empty() || o.movements_per_item < 1 || o.read_samples < 1) {
    Usage();
    std::exit(2);
  }
  return o;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

// splitmix64: a fast, well-mixed generator; the seeded data depends only on the size.
struct Rng {
  std::uint64_t state;
  explicit Rng(std::uint64_t seed) : state(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::int64_t Below(std::int64_t n) { return static_cast<std::int64_t>(Next() % static_cast<std::uint64_t>(n)); }
};

std::uint64_t Mix(std::uint64_t x) { return Rng(x).Next(); }

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return fmt::format("{} {} {}", a, b, c);
}

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "?";
}

std::string MemTotal() {
  std::ifstream in("/proc/meminfo");
  std::string key, value, unit;
  in >> key >> value >> unit;
  return fmt::format("{} MiB", std::stoll(value) / 1024);
}

std::string UtcNow() {
  const std::time_t now = std::time(nullptr);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%MZ", std::gmtime(&now));
  return text;
}

std::string SizeLabel(std::int64_t n) {
  if (n % 1'000'000 == 0) return fmt::format("{}M", n / 1'000'000);
  if (n % 1'000 == 0) return fmt::format("{}k", n / 1'000);
  return std::to_string(n);
}

std::string Group(double value) {  // 12345.6 -> "12,346"
  std::string digits = fmt::format("{:.0f}", value);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<std::size_t>(i), ",");
  return digits;
}

std::string Micros(double us) {
  if (us < 10) return fmt::format("{:.2f}", us);
  if (us < 100) return fmt::format("{:.1f}", us);
  return Group(us);
}

// The whole report goes to stdout and, with --out, to a file.
std::string g_report;
template <class... Args>
void Report(fmt::format_string<Args...> format, Args&&... args) {
  std::string text = fmt::format(format, std::forward<Args>(args)...);
  std::fputs(text.c_str(), stdout);
  std::fflush(stdout);
  g_report += text;
}

template <class... Args>
void Progress(fmt::format_string<Args...> format, Args&&... args) {
  fmt::print(stderr, "[ledger_bench] {}\n", fmt::format(format, std::forward<Args>(args)...));
}

[[noreturn]] void Die(const std::string& message) {
  fmt::print(stderr, "ledger_bench: {}\n", message);
  std::exit(1);
}

// ---------------------------------------------------------------------------------------------
// Raw SQLite, for seeding and for the bare loop

class Db {
 public:
  explicit Db(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
      Die(fmt::format("cannot open {}: {}", path, sqlite3_errmsg(db_)));
    }
  }
  ~Db() { sqlite3_close_v2(db_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  void Exec(const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      const std::string message = error ? error : "?";
      sqlite3_free(error);
      Die(fmt::format("sqlite: {}: {}", sql.substr(0, 120), message));
    }
  }
  sqlite3* get() { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

class Stmt {
 public:
  Stmt(Db& db, const std::string& sql) : db_(db.get()) {
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) {
      Die(fmt::format("prepare {}: {}", sql, sqlite3_errmsg(db_)));
    }
  }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& Int(int i, std::int64_t v) { sqlite3_bind_int64(stmt_, i, v); return *this; }
  Stmt& Text(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& Null(int i) { sqlite3_bind_null(stmt_, i); return *this; }
  bool Step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) Die(fmt::format("step: {}", sqlite3_errmsg(db_)));
    return false;
  }
  void Run() {
    while (Step()) {
    }
    sqlite3_reset(stmt_);
  }
  std::int64_t ColumnInt(int i) { return sqlite3_column_int64(stmt_, i); }
  std::string ColumnText(int i) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
    return text ? text : "";
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// ---------------------------------------------------------------------------------------------
// Seeding

constexpr int kLocations = 50;      // PLANT, halls H1..H7 under it, bins Hh-Bb (6 per hall)
constexpr int kHalls = 7;
constexpr int kBinsPerHall = 6;
constexpr int kBins = kHalls * kBinsPerHall;  // 42, ids 9..50; stock is only ever in bins
constexpr int kBinsPerItem = 3;     // each item lives in 3 of the bins
constexpr int kCategories = 10;     // a category filter selects ~10 % of the items
constexpr int kHotItems = 10;       // each takes 0.5 % of all movements: long per-item cursors
constexpr int kActors = 20;
constexpr std::int64_t kUnit = Decimal::kUnitsPerOne;

std::int64_t BinId(int bin) { return 1 + kHalls + 1 + bin; }  // bin 0..41 -> location id 9..50
std::string BinCode(int bin) { return fmt::format("H{}-B{}", bin / kBinsPerHall + 1, bin % kBinsPerHall + 1); }

struct ItemTraits {
  int bins[kBinsPerItem];  // distinct bins, ascending location id
  int category;
};

ItemTraits Traits(std::int64_t item) {
  ItemTraits t{};
  const std::uint64_t h = Mix(static_cast<std::uint64_t>(item) * 0x51ed27ULL);
  int first = static_cast<int>(h % kBins);
  int second = (first + 1 + static_cast<int>((h >> 16) % (kBins - 1))) % kBins;
  int third = first;
  for (std::uint64_t k = h >> 32; third == first || third == second; k = Mix(k)) third = static_cast<int>(k % kBins);
  int bins[] = {first, second, third};
  std::sort(bins, bins + 3);
  std::copy(bins, bins + 3, t.bins);
  t.category = static_cast<int>((h >> 40) % kCategories);
  return t;
}

std::string Sku(std::int64_t item) { return fmt::format("SKU-{:07}", item); }
std::string Category(int c) { return fmt::format("Cat-{:02}", c); }

// Hot item k of 10: spread over the id range.
std::int64_t HotItem(std::int64_t items, int k) { return 1 + (items / kHotItems) * k + (items >= 1000 ? 7 : 0); }

struct Seeded {
  std::int64_t items = 0;
  std::int64_t movements = 0;
  std::int64_t lines = 0;
  std::int64_t balances = 0;
  std::int64_t receives = 0, issues = 0, transfers = 0;
  std::vector<std::int64_t> hot_items;
  std::vector<std::vector<std::int64_t>> hot_movement_ids;  // per hot item, ascending
  double seconds = 0;
  std::string phases;
};

// Seeds a database whose schema the store has just created (and which is closed).
Seeded Seed(const std::string& path, std::int64_t items, std::int64_t movements_per_item) {
  Seeded s;
  s.items = items;
  const auto start = Clock::now();
  Db db(path);
  db.Exec("PRAGMA journal_mode=OFF");  // one writer, nothing to roll back to: no journal at all
  db.Exec("PRAGMA synchronous=OFF");
  db.Exec("PRAGMA cache_size=-2097152");  // 2 GiB: the whole 1M database stays in memory
  db.Exec("PRAGMA temp_store=MEMORY");
  db.Exec("BEGIN");

  // The one index whose keys arrive in random order (movements by item) is dropped and rebuilt
  // from its own SQL after the load: one sort instead of 5*S random inserts. Every other index
  // only ever grows at a few dozen points (by time, location, actor, category) and is kept. The
  // schema ends up identical.
  std::vector<std::pair<std::string, std::string>> indexes;
  {
    Stmt q(db, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN ('movements_item')");
    while (q.Step()) indexes.emplace_back(q.ColumnText(0), q.ColumnText(1));
  }
  for (const auto& [name, sql] : indexes) db.Exec("DROP INDEX " + name);

  const std::int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const std::int64_t total_movements = items * movements_per_item;
  const std::int64_t t0 = now_ms - 86'400'000 - total_movements * 10;  // 10 ms apart, ending a day ago

  {  // Locations: a small tree, ids fixed.
    Stmt insert(db,
                "INSERT INTO locations (id, code, name, parent_id, created_at_ms, updated_at_ms, version) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?5, 1)");
    insert.Int(1, 1).Text(2, "PLANT").Text(3, "Plant").Null(4).Int(5, t0).Run();
    for (int h = 0; h < kHalls; ++h) {
      const std::string code = fmt::format("H{}", h + 1);
      insert.Int(1, 2 + h).Text(2, code).Text(3, "Hall " + std::to_string(h + 1)).Int(4, 1).Int(5, t0).Run();
    }
    for (int b = 0; b < kBins; ++b) {
      insert.Int(1, BinId(b)).Text(2, BinCode(b)).Text(3, "Bin " + BinCode(b)).Int(4, 2 + b / kBinsPerHall).Int(5, t0).Run();
    }
  }

  // Movements, generated in time order with the balances they leave: a receive into an empty
  // item, otherwise 40 % receive, 35 % issue, 25 % transfer; issues and transfers take at most
  // what the bin holds, so no balance ever goes below zero.
  std::vector<std::array<std::int64_t, kBinsPerItem>> stock(static_cast<std::size_t>(items) + 1);  // whole units
  std::vector<std::uint8_t> touched(static_cast<std::size_t>(items) + 1);  // which balance rows exist
  for (int k = 0; k < kHotItems && k < items; ++k) s.hot_items.push_back(HotItem(items, k));
  s.hot_movement_ids.resize(s.hot_items.size());
  {
    Stmt movement(db,
                  "INSERT INTO movements (id, at_ms, type, item_id, from_location_id, to_location_id, lot, "
                  "quantity_units, quantity_scale, reference, reason, reverses, actor_sub, actor_name) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, '', ?7, 0, ?8, '', NULL, ?9, ?10)");
    Stmt line(db,
              "INSERT INTO movement_lines (movement_id, item_id, location_id, lot, delta_units, balance_units) "
              "VALUES (?1, ?2, ?3, '', ?4, ?5)");
    std::vector<std::string> actor_subs, actor_names;
    for (int a = 0; a < kActors; ++a) {
      actor_subs.push_back(std::to_string(a + 2));
      actor_names.push_back(fmt::format("user{:02}", a + 2));
    }
    Rng rng(0x1ed9e5 + static_cast<std::uint64_t>(items));
    constexpr std::int64_t kHotPerMille = 5;  // of all movements, per hot item
    const std::int64_t hot_share = kHotPerMille * static_cast<std::int64_t>(s.hot_items.size());
    for (std::int64_t id = 1; id <= total_movements; ++id) {
      std::int64_t item;
      const std::int64_t pick = rng.Below(1000);
      int hot = -1;
      if (pick < hot_share) {  // 0.5 % of movements per hot item
        hot = static_cast<int>(pick / kHotPerMille);
        item = s.hot_items[static_cast<std::size_t>(hot)];
      } else {
        item = 1 + rng.Below(items);
      }
      const ItemTraits traits = Traits(item);
      auto& bins = stock[static_cast<std::size_t>(item)];
      const bool empty = bins[0] + bins[1] + bins[2] == 0;
      const std::int64_t roll = rng.Below(100);
      const std::int64_t actor = rng.Below(kActors);
      movement.Int(1, id).Int(2, t0 + id * 10).Int(4, item).Text(9, actor_subs[actor]).Text(10, actor_names[actor]);
      auto add_line = [&](int slot, std::int64_t delta) {
        bins[slot] += delta;
        touched[static_cast<std::size_t>(item)] |= static_cast<std::uint8_t>(1 << slot);
        line.Int(1, id).Int(2, item).Int(3, BinId(traits.bins[slot])).Int(4, delta * kUnit).Int(5, bins[slot] * kUnit).Run();
        ++s.lines;
      };
      // A bin of the item that holds stock, starting at a random one.
      auto stocked_slot = [&]() {
        int slot = static_cast<int>(rng.Below(kBinsPerItem));
        while (bins[slot] == 0) slot = (slot + 1) % kBinsPerItem;
        return slot;
      };
      if (empty || roll < 40) {
        const int to = static_cast<int>(rng.Below(kBinsPerItem));
        const std::int64_t q = 1 + rng.Below(100);
        movement.Text(3, "receive").Null(5).Int(6, BinId(traits.bins[to])).Int(7, q * kUnit)
            .Text(8, fmt::format("PO-{}", 100000 + id / 7)).Run();
        add_line(to, q);
        ++s.receives;
      } else if (roll < 75) {
        const int from = stocked_slot();
        const std::int64_t q = 1 + rng.Below(bins[from]);
        movement.Text(3, "issue").Int(5, BinId(traits.bins[from])).Null(6).Int(7, q * kUnit)
            .Text(8, fmt::format("WO-{}", 200000 + id / 5)).Run();
        add_line(from, -q);
        ++s.issues;
      } else {
        const int from = stocked_slot();
        const int to = (from + 1 + static_cast<int>(rng.Below(kBinsPerItem - 1))) % kBinsPerItem;
        const std::int64_t q = 1 + rng.Below(bins[from]);
        movement.Text(3, "transfer").Int(5, BinId(traits.bins[from])).Int(6, BinId(traits.bins[to])).Int(7, q * kUnit)
            .Text(8, "").Run();
        add_line(from, -q);
        add_line(to, q);
        ++s.transfers;
      }
      if (hot >= 0) s.hot_movement_ids[static_cast<std::size_t>(hot)].push_back(id);
    }
    s.movements = total_movements;
  }
  const double movements_done = Seconds(start);

  {  // Items, their SKUs and balances: quantity = the sum of its balances = the sum of its lines.
    Stmt item(db,
              "INSERT INTO items (id, sku, name, description, category, kind, unit, quantity_units, quantity_scale, "
              "reorder_units, reorder_scale, location, created_at_ms, updated_at_ms, version, deleted_at_ms, "
              "lot_tracked, precision) "
              "VALUES (?1, ?2, ?3, '', ?4, ?5, 'pcs', ?6, 0, ?7, 0, ?8, ?9, ?9, 1, NULL, 0, 0)");
    Stmt sku(db, "INSERT INTO skus (sku, item_id) VALUES (?1, ?2)");
    Stmt balance(db, "INSERT INTO balances (item_id, location_id, lot, units, scale) VALUES (?1, ?2, '', ?3, 0)");
    static const char* const kKinds[] = {"raw_material", "component", "finished_good"};
    static const char* const kWords[] = {"bracket", "bolt M6", "washer", "cable", "housing", "gear", "sensor", "panel"};
    for (std::int64_t id = 1; id <= items; ++id) {
      const ItemTraits traits = Traits(id);
      const auto& bins = stock[static_cast<std::size_t>(id)];
      const std::uint64_t h = Mix(static_cast<std::uint64_t>(id));
      const std::string code = Sku(id);
      item.Int(1, id).Text(2, code).Text(3, fmt::format("Part {} {}", id, kWords[h % 8]))
          .Text(4, Category(traits.category)).Text(5, kKinds[(h >> 8) % 3])
          .Int(6, (bins[0] + bins[1] + bins[2]) * kUnit).Int(7, static_cast<std::int64_t>((h >> 16) % 50) * kUnit)
          .Text(8, BinCode(traits.bins[0])).Int(9, t0).Run();
      sku.Text(1, code).Int(2, id).Run();
      for (int slot = 0; slot < kBinsPerItem; ++slot) {  // bins ascend, so the keys arrive sorted
        if (!(touched[static_cast<std::size_t>(id)] & (1 << slot))) continue;
        balance.Int(1, id).Int(2, BinId(traits.bins[slot])).Int(3, bins[slot] * kUnit).Run();
        ++s.balances;
      }
    }
  }
  const double items_done = Seconds(start);
  for (const auto& [name, sql] : indexes) db.Exec(sql);
  db.Exec("COMMIT");
  const double indexes_done = Seconds(start);
  db.Exec("PRAGMA journal_mode=WAL");  // as the store keeps it
  s.seconds = Seconds(start);
  s.phases = fmt::format("movements+lines {:.1f} s, items+balances {:.1f} s, index rebuild {:.1f} s",
                         movements_done, items_done - movements_done, indexes_done - items_done);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Timing

struct Stat {
  double median_us = 0;
  double p90_us = 0;
  int samples = 0;
  int failures = 0;
  bool timed_out = false;  // stopped after median_us without finishing
};

Stat Summarize(std::vector<double> us, int failures) {
  Stat s;
  s.samples = static_cast<int>(us.size());
  s.failures = failures;
  if (us.empty()) return s;
  std::sort(us.begin(), us.end());
  const std::size_t n = us.size();
  s.median_us = n % 2 ? us[n / 2] : (us[n / 2 - 1] + us[n / 2]) / 2;
  s.p90_us = us[std::min(n - 1, n * 9 / 10)];
  return s;
}

// Times `samples` single calls of `call(i)` (true when the call did what was expected), after
// a warm-up of a tenth as many (at least 2) that is not recorded; appends to `us`.
void Measure(int first, int samples, const std::function<bool(int)>& call, std::vector<double>* us, int* failures) {
  const int warmup = std::max(2, samples / 10);
  for (int i = 0; i < warmup; ++i) call(1'000'000 + first + i);
  for (int i = first; i < first + samples; ++i) {
    const auto t = Clock::now();
    const bool ok = call(i);
    us->push_back(std::chrono::duration<double, std::micro>(Clock::now() - t).count());
    if (!ok) ++*failures;
  }
}

std::unique_ptr<store::Store> Open(const std::string& path, store::Durability durability) {
  store::SqliteOptions options;
  options.path = path;
  options.durability = durability;
  return store::OpenSqliteStore(options);
}

const stockroom::inventory::Actor kActor{"bench", "ledger_bench", "127.0.0.1"};

MovementRequest Receive(std::int64_t item, const std::string& bin, std::int64_t units) {
  MovementRequest r;
  r.type = MovementType::kReceive;
  r.item_id = item;
  r.quantity = Decimal::FromUnits(units * kUnit, 0);
  r.to_location = bin;
  r.reference = "bench";
  return r;
}

MovementRequest Issue(std::int64_t item, const std::string& bin, std::int64_t units) {
  MovementRequest r;
  r.type = MovementType::kIssue;
  r.item_id = item;
  r.quantity = Decimal::FromUnits(units * kUnit, 0);
  r.from_location = bin;
  r.reference = "bench";
  return r;
}

// Posts a receive into one of a random item's bins, then the same quantity issued back out
// of it, and so on: every post succeeds, and each pair leaves the item's stock as it was.
class Poster {
 public:
  Poster(std::uint64_t seed, std::int64_t items) : rng_(seed), items_(items) {}
  bool Post(store::Store& s) {
    if (issue_next_) {
      issue_next_ = false;
      return s.PostMovement(Issue(item_, bin_, 5), kActor).has_value();
    }
    item_ = 1 + rng_.Below(items_);
    bin_ = BinCode(Traits(item_).bins[rng_.Below(kBinsPerItem)]);
    issue_next_ = true;
    return s.PostMovement(Receive(item_, bin_, 5), kActor).has_value();
  }

 private:
  Rng rng_;
  std::int64_t items_;
  std::int64_t item_ = 0;
  std::string bin_;
  bool issue_next_ = false;
};

// ---------------------------------------------------------------------------------------------
// Throughput

// Movements per second with `threads` clients posting receive/issue pairs through the store.
double StoreThroughput(store::Store& s, std::int64_t items, int threads, int total, int* posted, int* failures) {
  const int each = (total + threads - 1) / threads;
  std::atomic<int> ready{0}, failed{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      Poster poster(0xc11e47 + static_cast<std::uint64_t>(t) * 7919 + static_cast<std::uint64_t>(threads), items);
      ready.fetch_add(1);
      while (!go.load()) std::this_thread::yield();
      for (int i = 0; i < each; ++i) {
        if (!poster.Post(s)) failed.fetch_add(1);
      }
    });
  }
  while (ready.load() < threads) std::this_thread::yield();
  const auto start = Clock::now();
  go.store(true);
  for (auto& w : workers) w.join();
  const double seconds = Seconds(start);
  *posted = each * threads;
  *failures = failed.load();
  return *posted / seconds;
}

// The floor to beat: `count` single-row transactions, one after the other, on a WAL database
// with synchronous=FULL (one fsync of the WAL per COMMIT, as the store's kFull).
double BareThroughput(const std::string& path, int count) {
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  Db db(path);
  db.Exec("PRAGMA journal_mode=WAL");
  db.Exec("PRAGMA synchronous=FULL");
  db.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, item INTEGER NOT NULL, units INTEGER NOT NULL, note TEXT NOT NULL)");
  Stmt begin(db, "BEGIN");
  Stmt insert(db, "INSERT INTO t (item, units, note) VALUES (?1, ?2, 'bench')");
  Stmt commit(db, "COMMIT");
  const auto start = Clock::now();
  for (int i = 0; i < count; ++i) {
    begin.Run();
    insert.Int(1, i % 1000).Int(2, i).Run();
    commit.Run();
  }
  return count / Seconds(start);
}

// Opens the database through the store in a child process and waits at most `timeout_s`:
// a store that cannot open a large database in reasonable time must not stop the run.
Stat TimeOpenInChild(const std::string& path, int timeout_s) {
  const auto start = Clock::now();
  const pid_t child = fork();
  if (child < 0) Die("fork failed");
  if (child == 0) {
    try {
      Open(path, store::Durability::kFull).reset();
    } catch (const std::exception& e) {
      fmt::print(stderr, "ledger_bench: open failed: {}\n", e.what());
      _exit(1);
    }
    _exit(0);
  }
  Stat stat;
  stat.samples = 1;
  int status = 0;
  for (;;) {
    const pid_t done = waitpid(child, &status, WNOHANG);
    if (done == child) break;
    if (Seconds(start) > timeout_s) {
      kill(child, SIGKILL);
      waitpid(child, &status, 0);
      stat.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  stat.median_us = stat.p90_us = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
  if (!stat.timed_out && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) stat.failures = 1;
  return stat;
}

// ---------------------------------------------------------------------------------------------
// The run

struct Row {
  std::string name;
  std::string unit = "µs";  // or "ms": shown divided by 1000
  std::map<std::int64_t, Stat> by_size;
  std::string Show(double us) const { return unit == "ms" ? Micros(us / 1000) : Micros(us); }
};

class Results {
 public:
  Row& operator[](const std::string& name) {
    for (auto& row : rows_) {
      if (row.name == name) return row;
    }
    rows_.push_back(Row{name, "µs", {}});
    return rows_.back();
  }
  std::vector<Row>& rows() { return rows_; }

 private:
  std::vector<Row> rows_;
};

void PrintTable(Results& results, const std::vector<std::int64_t>& sizes) {
  std::string header = "| operation |";
  std::string rule = "|---|";
  for (auto size : sizes) {
    header += fmt::format(" {} median |", SizeLabel(size));
    rule += "---:|";
  }
  header += fmt::format(" {}/{} | p90 at {} | failed |", SizeLabel(sizes.back()), SizeLabel(sizes.front()),
                        SizeLabel(sizes.back()));
  rule += "---:|---:|---:|";
  Report("{}\n{}\n", header, rule);
  for (auto& row : results.rows()) {
    std::string line = fmt::format("| {} ({}) |", row.name, row.unit);
    int failed = 0;
    for (auto size : sizes) {
      auto it = row.by_size.find(size);
      if (it == row.by_size.end()) {
        line += " n/a |";
        continue;
      }
      line += fmt::format(" {}{} |", it->second.timed_out ? "> " : "", row.Show(it->second.median_us));
      failed += it->second.failures;
    }
    auto first = row.by_size.find(sizes.front());
    auto last = row.by_size.find(sizes.back());
    if (first != row.by_size.end() && last != row.by_size.end() && first->second.median_us > 0) {
      const bool lower_bound = last->second.timed_out && !first->second.timed_out;
      line += last->second.timed_out && !lower_bound ? " n/a |"
                                                     : fmt::format(" {}{:.2f} |", lower_bound ? "> " : "",
                                                                   last->second.median_us / first->second.median_us);
      line += last->second.samples >= 5 ? fmt::format(" {} |", row.Show(last->second.p90_us)) : " - |";
    } else {
      line += " n/a | n/a |";
    }
    line += fmt::format(" {} |", failed);
    Report("{}\n", line);
  }
}

// The store's open runs a check for stock from before the ledger whose NOT EXISTS over
// movement_lines by item_id has no index: quadratic in the data (README). To open at all, the
// bench adds an index for the duration of the open and drops it again at once, so that every
// timed call afterwards runs on the schema exactly as migrated.
constexpr const char* kWorkaroundIndex = "ledger_bench_lines_item";

void AddWorkaroundIndex(const std::string& path) {
  Db db(path);
  db.Exec(fmt::format("CREATE INDEX IF NOT EXISTS {} ON movement_lines (item_id)", kWorkaroundIndex));
}

void DropWorkaroundIndex(const std::string& path) {
  Db db(path);
  sqlite3_busy_timeout(db.get(), 10'000);
  db.Exec(fmt::format("DROP INDEX IF EXISTS {}", kWorkaroundIndex));
}

std::unique_ptr<store::Store> OpenForTiming(const std::string& path, store::Durability durability, bool workaround) {
  if (workaround) AddWorkaroundIndex(path);
  auto s = Open(path, durability);
  if (workaround) DropWorkaroundIndex(path);
  return s;
}

// One database size under test, open through the store between the phases.
struct SizeRun {
  std::int64_t size = 0;
  std::string path;
  Seeded seeded;
  std::unique_ptr<store::Store> store;
  std::vector<std::int64_t> ids;  // random item ids, fixed per size
  std::vector<std::string> skus;  // their SKUs
  std::unique_ptr<Poster> poster;
  std::int64_t IdAt(int i) const { return ids[static_cast<std::size_t>(i) % ids.size()]; }
};

// A timed operation: `call(run, i)` makes the i-th call on one size.
struct Operation {
  std::string name;
  int samples;
  std::function<bool(SizeRun&, int)> call;
};

// Runs `op` on every size in `rounds` rounds, each taking an equal share of the samples and
// visiting the sizes in a rotated order, so that the machine's changing load falls on all
// sizes alike; then one median per size over all its samples.
void MeasureInterleaved(Results& results, std::vector<SizeRun>& runs, const Operation& op, int rounds) {
  std::vector<std::vector<double>> us(runs.size());
  std::vector<int> failures(runs.size());
  const int per_round = std::max(1, op.samples / rounds);
  for (int r = 0; r < rounds; ++r) {
    for (std::size_t k = 0; k < runs.size(); ++k) {
      const std::size_t j = (k + static_cast<std::size_t>(r)) % runs.size();
      SizeRun& run = runs[j];
      Measure(r * per_round, per_round, [&](int i) { return op.call(run, i); }, &us[j], &failures[j]);
    }
  }
  for (std::size_t j = 0; j < runs.size(); ++j) {
    results[op.name].by_size[runs[j].size] = Summarize(std::move(us[j]), failures[j]);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = ParseOptions(argc, argv);
  const auto run_start = Clock::now();
  std::string dir_template = o.dir + "/stockroom-ledger-bench-XXXXXX";
  if (!mkdtemp(dir_template.data())) Die("mkdtemp in " + o.dir + " failed");
  const std::string dir = dir_template;

  utsname uts{};
  uname(&uts);
  const std::string load_start = LoadAverage();
  Report("# ledger_bench {}\n\n", UtcNow());
  Report("- machine: nproc {}, \"{}\", {} RAM, kernel {} {}\n", sysconf(_SC_NPROCESSORS_ONLN), CpuModel(), MemTotal(),
         uts.sysname, uts.release);
  Report("- SQLite {} (the system library), databases in {}\n", sqlite3_libversion(), dir);
  Report("- load average at start: {}\n", load_start);
  Report("- sizes: {} items, {} movements per item; {} samples per read, {} per post (full), {} (normal)\n\n",
         [&] {
           std::string list;
           for (auto size : o.sizes) list += (list.empty() ? "" : ", ") + SizeLabel(size);
           return list;
         }(),
         o.movements_per_item, o.read_samples, o.post_full_samples, o.post_normal_samples);

  Results results;
  std::vector<std::string> seed_notes;
  std::vector<SizeRun> runs;

  // Phase 1, one size after the other: seed, open, check.
  for (const std::int64_t size : o.sizes) {
    SizeRun run;
    run.size = size;
    run.path = fmt::format("{}/ledger-{}.db", dir, SizeLabel(size));
    Progress("size {}: creating the schema through the store", SizeLabel(size));
    Open(run.path, store::Durability::kFull).reset();
    Progress("size {}: seeding {} items, {} movements", SizeLabel(size), size, size * o.movements_per_item);
    run.seeded = Seed(run.path, size, o.movements_per_item);
    const auto sync_start = Clock::now();
    sync();  // the seeded pages reach the disk now, not during the timed fsyncs below
    const double sync_s = Seconds(sync_start);
    seed_notes.push_back(fmt::format(
        "{}: seeded in {:.1f} s ({}, then sync {:.1f} s); {} movements ({} receive, {} issue, {} transfer), {} lines, "
        "{} balances; file {:.0f} MiB",
        SizeLabel(size), run.seeded.seconds, run.seeded.phases, sync_s, run.seeded.movements, run.seeded.receives,
        run.seeded.issues, run.seeded.transfers, run.seeded.lines, run.seeded.balances,
        static_cast<double>(std::filesystem::file_size(run.path)) / (1 << 20)));
    Progress("{}", seed_notes.back());

    // Opening the database as seeded (the store's schema, nothing else): once, in a child
    // process, given up after --open-timeout seconds.
    Progress("size {}: opening through the store (at most {} s)", SizeLabel(size), o.open_timeout_s);
    const std::string exact_open = "OpenSqliteStore, schema as migrated (once)";
    results[exact_open].unit = "ms";
    results[exact_open].by_size[size] = TimeOpenInChild(run.path, o.open_timeout_s);
    if (o.workaround) {  // see kWorkaroundIndex
      const auto t = Clock::now();
      AddWorkaroundIndex(run.path);
      const std::string row = "bench workaround: CREATE INDEX movement_lines (item_id)";
      results[row].unit = "ms";
      results[row].by_size[size] = Summarize({std::chrono::duration<double, std::micro>(Clock::now() - t).count()}, 0);
    }
    // Opening: migrations (none pending) and the check for stock from before the ledger.
    std::vector<double> open_us;
    for (int i = 0; i < 3; ++i) {
      run.store.reset();
      const auto t = Clock::now();
      run.store = Open(run.path, store::Durability::kFull);
      open_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t).count());
    }
    const std::string open_row =
        o.workaround ? "OpenSqliteStore with that index (median of 3)" : "OpenSqliteStore (median of 3)";
    results[open_row].by_size[size] = Summarize(open_us, 0);
    results[open_row].unit = "ms";
    if (o.workaround) DropWorkaroundIndex(run.path);  // the store stays open; all else runs without it

    if (size <= o.verify_max) {
      Progress("size {}: VerifyStock", SizeLabel(size));
      const auto t = Clock::now();
      auto differences = run.store->VerifyStock();
      const double us = std::chrono::duration<double, std::micro>(Clock::now() - t).count();
      if (!differences) Die("VerifyStock failed: " + differences.error().detail);
      if (!differences->empty()) {
        const auto& d = differences->front();
        Die(fmt::format("the seeded data is inconsistent: {} differences, first item {} at {}: balance {} ledger {}",
                        differences->size(), d.item_id, d.location, d.balance, d.ledger));
      }
      const std::string row = "VerifyStock (once, must be empty)";
      results[row].by_size[size] = Summarize({us}, 0);
      results[row].unit = "ms";
    }

    Rng rng(0xbe7c4 + static_cast<std::uint64_t>(size));
    run.ids.resize(static_cast<std::size_t>(std::max(o.read_samples, 100)) * 2);
    for (auto& id : run.ids) id = 1 + rng.Below(size);
    for (auto id : run.ids) run.skus.push_back(Sku(id));
    run.poster = std::make_unique<Poster>(0x9057 + static_cast<std::uint64_t>(size), size);
    runs.push_back(std::move(run));
  }

  // Phase 2: the reads, every size open, interleaved.
  const int n = o.read_samples;
  const int rounds = 5;
  auto list_items = [](SizeRun& run, std::optional<std::string> category, std::int64_t after_id) {
    store::ItemQuery q;
    q.category = std::move(category);
    q.after_id = after_id;
    q.limit = 50;
    auto page = run.store->ListItems(q);
    return page && page->items.size() == 50;
  };
  auto list_movements = [](SizeRun& run, store::MovementQuery q, std::size_t expect) {
    q.limit = 50;
    auto page = run.store->ListMovements(q);
    return page && page->movements.size() >= expect;
  };
  auto category_of = [](SizeRun& run, int i) { return Category(static_cast<int>(run.IdAt(i) % kCategories)); };
  const std::vector<Operation> reads = {
      {"GetItem(random id)", n, [](SizeRun& run, int i) { return run.store->GetItem(run.IdAt(i)).has_value(); }},
      {"GetItemBySku(random)", n,
       [](SizeRun& run, int i) {
         return run.store->GetItemBySku(run.skus[static_cast<std::size_t>(i) % run.skus.size()]).has_value();
       }},
      {"ListItems category, first page of 50", n,
       [&](SizeRun& run, int i) { return list_items(run, category_of(run, i), 0); }},
      // ~1,000-2,000 ids before the end: ~100-200 items of the category follow, a full page.
      {"ListItems category, page of 50 after_id near the end", n,
       [&](SizeRun& run, int i) {
         return list_items(run, category_of(run, i), run.size - 2000 + run.IdAt(i) % 1000);
       }},
      {"ListItems no filter, page of 50 after_id near the end", n,
       [&](SizeRun& run, int i) { return list_items(run, std::nullopt, run.size - 1000 + run.IdAt(i) % 900); }},
      {"ListMovements item (hot), page of 50 deep in its cursor", n,
       [&](SizeRun& run, int i) {
         const auto& seeded = run.seeded;
         const auto k = static_cast<std::size_t>(run.IdAt(i) % static_cast<std::int64_t>(seeded.hot_items.size()));
         const auto& mine = seeded.hot_movement_ids[k];
         const std::size_t back = 60 + static_cast<std::size_t>(run.IdAt(i) % 10);  // 59-68 of its movements follow
         store::MovementQuery q;
         q.item_id = seeded.hot_items[k];
         q.after_id = mine.size() > back ? mine[mine.size() - back] : 0;
         return list_movements(run, q, 50);
       }},
      {"ListMovements item (random, ~5 movements), first page", n,
       [&](SizeRun& run, int i) {
         store::MovementQuery q;
         q.item_id = run.IdAt(i);
         return list_movements(run, q, 0);
       }},
      {"ListMovements all, page of 50 after_id near the end", n,
       [&](SizeRun& run, int i) {
         store::MovementQuery q;
         q.after_id = run.seeded.movements - 1000 + run.IdAt(i) % 900;
         return list_movements(run, q, 50);
       }},
      {"ListMovements location (bin), first page of 50", std::max(rounds, n / 10),
       [&](SizeRun& run, int i) {
         store::MovementQuery q;
         q.location = BinCode(static_cast<int>(run.IdAt(i) % kBins));
         return list_movements(run, q, 50);
       }},
      {"ListMovements location (bin), page of 50 after_id at 90 %", std::max(rounds, n / 10),
       [&](SizeRun& run, int i) {
         store::MovementQuery q;
         q.location = BinCode(static_cast<int>(run.IdAt(i) % kBins));
         q.after_id = run.seeded.movements * 9 / 10;
         return list_movements(run, q, 50);
       }},
  };
  for (const Operation& op : reads) {
    Progress("timing {}", op.name);
    MeasureInterleaved(results, runs, op, rounds);
  }

  // Phase 3: posting, one thread, durable (kFull) and then with every store reopened kNormal.
  sync();  // no writeback of earlier work (dropped indexes, checkpoints) under the timed fsyncs
  Progress("timing PostMovement, kFull");
  MeasureInterleaved(results, runs,
                     {"PostMovement receive/issue, 1 thread, kFull", o.post_full_samples,
                      [](SizeRun& run, int) { return run.poster->Post(*run.store); }},
                     rounds);
  for (auto& run : runs) {
    run.store.reset();
    run.store = OpenForTiming(run.path, store::Durability::kNormal, o.workaround);
  }
  sync();
  Progress("timing PostMovement, kNormal");
  MeasureInterleaved(results, runs,
                     {"PostMovement receive/issue, 1 thread, kNormal", o.post_normal_samples,
                      [](SizeRun& run, int) { return run.poster->Post(*run.store); }},
                     rounds);
  for (auto& run : runs) run.store.reset();

  // Phase 4: durable throughput under concurrent clients, against the bare loop.
  std::string throughput_report;
  for (auto& run : runs) {
    if (run.size != o.throughput_size) continue;
    Progress("size {}: throughput", SizeLabel(run.size));
    sync();
    auto s = OpenForTiming(run.path, store::Durability::kFull, o.workaround);
    const std::string bare_path = dir + "/bare.db";
    std::map<int, std::vector<double>> store_rates;
    std::vector<double> bare_rates;
    int posted = 0, failures = 0;
    for (int rep = 0; rep < o.throughput_reps; ++rep) {  // interleaved, so load changes hit all alike
      bare_rates.push_back(BareThroughput(bare_path, o.throughput_total));
      for (int threads : o.threads) {
        int failed = 0;
        store_rates[threads].push_back(StoreThroughput(*s, run.size, threads, o.throughput_total, &posted, &failed));
        failures += failed;
        Progress("rep {} threads {}: {:.0f} movements/s (bare {:.0f}/s)", rep + 1, threads,
                 store_rates[threads].back(), bare_rates.back());
      }
    }
    s.reset();
    auto median = [](std::vector<double> v) { return Summarize(std::move(v), 0).median_us; };
    const double bare = median(bare_rates);
    throughput_report += fmt::format(
        "Durable throughput on the {} database: {} movements per thread count and repetition (receive/issue "
        "pairs on random items, Durability::kFull), median of {} repetitions; bare loop: {} single-row "
        "`BEGIN; INSERT; COMMIT;` on its own WAL file, synchronous=FULL, one thread. Failed posts: {}.\n\n",
        SizeLabel(run.size), o.throughput_total, o.throughput_reps, o.throughput_total, failures);
    throughput_report += "| client threads | store movements/s | bare loop tx/s | store/bare | runs (movements/s) |\n";
    throughput_report += "|---:|---:|---:|---:|---|\n";
    for (int threads : o.threads) {
      std::string list;
      for (double r : store_rates[threads]) list += (list.empty() ? "" : ", ") + Group(r);
      const double rate = median(store_rates[threads]);
      throughput_report +=
          fmt::format("| {} | {} | {} | {:.2f} | {} |\n", threads, Group(rate), Group(bare), rate / bare, list);
    }
    std::string bare_list;
    for (double r : bare_rates) bare_list += (bare_list.empty() ? "" : ", ") + Group(r);
    throughput_report += fmt::format("\nBare loop runs (tx/s): {}.\n", bare_list);
  }

  Report("## Seeding\n\n");
  for (const auto& note : seed_notes) Report("- {}\n", note);
  Report("\n## Latency: median of single calls, sizes interleaved in {} rounds (ratio {}/{}: flat = close to 1)\n\n",
         rounds, SizeLabel(o.sizes.back()), SizeLabel(o.sizes.front()));
  PrintTable(results, o.sizes);
  if (!throughput_report.empty()) Report("\n## Throughput\n\n{}", throughput_report);
  Report("\n- load average at end: {}\n- run time: {:.0f} s\n", LoadAverage(), Seconds(run_start));
  if (!o.keep) {
    std::filesystem::remove_all(dir);
  } else {
    Report("- databases kept in {}\n", dir);
  }
  if (!o.out.empty()) std::ofstream(o.out) << g_report;
  return 0;
}
