#pragma once
// engineio::Message — one Engine.IO message payload, immutable and shared.

#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace engineio {

/// One Engine.IO MESSAGE payload (text or binary), immutable once built.
///
/// The bytes live in one shared buffer, so sending the same Message to many sessions (a broadcast)
/// costs a reference count per recipient, not a copy. Copying a Message is cheap.
///
/// Thread safety: a Message may be read from any number of threads at once.
class Message {
  public:
    Message() : Message(std::string{}, false) {}

    static Message text(std::string data) { return Message(std::move(data), false); }
    static Message binary(std::string bytes) { return Message(std::move(bytes), true); }
    /// A text Message of a buffer already shared (not copied; nobody may change it any more).
    static Message text(std::shared_ptr<const std::string> data) {
        return Message(std::move(data), false);
    }

    bool is_binary() const noexcept { return binary_; }
    std::string_view data() const noexcept { return *buffer_; }
    std::size_t size() const noexcept { return buffer_->size(); }
    /// The shared buffer itself, for transports that hand it to an async write.
    const std::shared_ptr<const std::string>& buffer() const noexcept { return buffer_; }

  private:
    Message(std::string data, bool binary)
        : buffer_(std::make_shared<const std::string>(std::move(data))), binary_(binary) {}
    Message(std::shared_ptr<const std::string> data, bool binary)
        : buffer_(data ? std::move(data) : std::make_shared<const std::string>()),
          binary_(binary) {}

    std::shared_ptr<const std::string> buffer_;
    bool binary_;
};

}  // namespace engineio
