#pragma once
// A latency histogram with fixed memory and < 1 % error: values (nanoseconds) below 128 have a
// bucket each; every power of two above is split into 64 buckets (the HDR histogram's idea).
// Recording is an index computation and an increment, so it stays off the load generator's
// profile even at millions of samples per second.

#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

namespace sio_bench {

class Histogram {
  public:
    Histogram() : counts_(kLinear + (kMaxExponent - kSubBits + 1) * kHalf, 0) {}

    void record(std::uint64_t value) {
        ++counts_[index_of(value)];
        ++total_;
        max_ = std::max(max_, value);
    }
    void merge(const Histogram& other) {
        for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
        total_ += other.total_;
        max_ = std::max(max_, other.max_);
    }
    void clear() {
        std::fill(counts_.begin(), counts_.end(), 0);
        total_ = 0;
        max_ = 0;
    }
    std::uint64_t count() const { return total_; }
    std::uint64_t max() const { return max_; }
    /// The value at quantile q (0..1): the middle of the bucket holding it.
    std::uint64_t quantile(double q) const {
        if (total_ == 0) return 0;
        const auto rank = static_cast<std::uint64_t>(q * static_cast<double>(total_ - 1)) + 1;
        std::uint64_t seen = 0;
        for (std::size_t i = 0; i < counts_.size(); ++i) {
            seen += counts_[i];
            if (seen >= rank) return std::min(middle_of(i), max_);
        }
        return max_;
    }

  private:
    static constexpr unsigned kSubBits = 7;
    static constexpr std::uint64_t kLinear = 1u << kSubBits;  // 128 exact buckets
    static constexpr std::uint64_t kHalf = kLinear / 2;       // 64 buckets per power of two
    static constexpr unsigned kMaxExponent = 44;              // ~4.9 hours in ns

    static std::size_t index_of(std::uint64_t v) {
        if (v < kLinear) return static_cast<std::size_t>(v);
        unsigned e = static_cast<unsigned>(std::bit_width(v)) - 1;
        if (e > kMaxExponent) {
            e = kMaxExponent;
            v = (std::uint64_t{1} << (e + 1)) - 1;
        }
        const unsigned shift = e - kSubBits + 1;
        return static_cast<std::size_t>(kLinear + (e - kSubBits) * kHalf + ((v >> shift) - kHalf));
    }
    static std::uint64_t middle_of(std::size_t index) {
        if (index < kLinear) return index;
        const std::size_t k = index - kLinear;
        const unsigned e = static_cast<unsigned>(kSubBits + k / kHalf);
        const unsigned shift = e - kSubBits + 1;
        const std::uint64_t low = (k % kHalf + kHalf) << shift;
        return low + (std::uint64_t{1} << shift) / 2;
    }

    std::vector<std::uint64_t> counts_;
    std::uint64_t total_ = 0;
    std::uint64_t max_ = 0;
};

}  // namespace sio_bench
