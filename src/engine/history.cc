// History's chunked storage.

#include "engine/history.h"

#include <new>

namespace baton::engine {

HistoryEvent& History::emplace_back() {
  std::size_t k = chunk_of(size_);
  if (chunks_[k] == nullptr) {
    std::size_t count = std::size_t{1} << (k + kFirstChunkLog2);
    chunks_[k] = static_cast<HistoryEvent*>(::operator new(count * sizeof(HistoryEvent)));
  }
  HistoryEvent* event = new (chunks_[k] + (size_ - chunk_start(k))) HistoryEvent();
  ++size_;
  return *event;
}

void History::clear() {
  for (std::size_t i = 0; i < size_; ++i) slot(i)->~HistoryEvent();
  for (HistoryEvent*& chunk : chunks_) {
    if (chunk == nullptr) break;  // chunks are allocated in order
    ::operator delete(chunk);
    chunk = nullptr;
  }
  size_ = 0;
}

}  // namespace baton::engine
