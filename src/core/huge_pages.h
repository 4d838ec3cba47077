// Large buffers on transparent huge pages. This machine's kernel gives huge
// pages only where asked (THP "madvise"); a training run streams tens of MB
// of feature rows and liblinear's sparse rows many times over, and on 4 KiB
// pages it paid for ~10k page faults and TLB misses per pass (bench/README.md
// "Sixth speed pass"). Allocations of at least kHugePageMinBytes are 2 MiB
// aligned and advised MADV_HUGEPAGE; smaller ones are ordinary.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>

namespace icrm {

inline constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;
inline constexpr std::size_t kHugePageMinBytes = std::size_t{4} << 20;

inline void* allocate_maybe_huge(std::size_t bytes) {
  if (bytes < kHugePageMinBytes) return ::operator new(bytes);
  const std::size_t rounded = (bytes + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
  void* p = std::aligned_alloc(kHugePageBytes, rounded);
  if (!p) throw std::bad_alloc();
  madvise(p, rounded, MADV_HUGEPAGE);  // advice only: without it the pages are ordinary
  return p;
}

inline void free_maybe_huge(void* p, std::size_t bytes) noexcept {
  if (bytes < kHugePageMinBytes) {
    ::operator delete(p);
  } else {
    std::free(p);
  }
}

// A std::allocator on allocate_maybe_huge().
template <class T>
struct HugePageAllocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = HugePageAllocator<U>;
  };
  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) { return static_cast<T*>(allocate_maybe_huge(n * sizeof(T))); }
  void deallocate(T* p, std::size_t n) noexcept { free_maybe_huge(p, n * sizeof(T)); }
};

}  // namespace icrm
