// History's chunked storage.

#include "engine/history.h"

#include <new>

namespace baton::engine {

HistoryEvent& History::emplace_back() {
  std::size_t k = chunk_of(size_);
  if (k == chunk_count_) {
    std::size_t count = std::size_t{1} << (k + kFirstChunkLog2);
    chunks_[chunk_count_++] =
        static_cast<HistoryEvent*>(::operator new(count * sizeof(HistoryEvent)));
  }
  HistoryEvent* event = new (chunks_[k] + (size_ - chunk_start(k))) HistoryEvent();
  ++size_;
  return *event;
}

void History::clear() {
  for (std::size_t i = 0; i < size_; ++i) slot(i)->~HistoryEvent();
  for (std::size_t k = 0; k < chunk_count_; ++k) ::operator delete(chunks_[k]);
  chunk_count_ = 0;
  size_ = 0;
}

}  // namespace baton::engine
