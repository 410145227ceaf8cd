#include "socketio/adapters/redis/reply_reader.hpp"

#include <hiredis/hiredis.h>
#include <hiredis/read.h>

#include <cstdlib>
#include <new>

#include "socketio/redis.hpp"

namespace socketio::redis_detail {
namespace {

// Far above any reply to the commands we send (pub/sub pushes have 3 or 4 elements, PUBSUB
// NUMSUB 2 per channel): refuses "*2000000000\r\n", whose element vector alone would take 16 GB
// before a single element arrived.
constexpr int max_array_elements = 65'536;

Reply::Type type_of(int hiredis_type) {
    switch (hiredis_type) {
        case REDIS_REPLY_STRING:
            return Reply::Type::string;
        case REDIS_REPLY_ARRAY:
            return Reply::Type::array;
        case REDIS_REPLY_INTEGER:
            return Reply::Type::integer;
        case REDIS_REPLY_STATUS:
            return Reply::Type::status;
        case REDIS_REPLY_ERROR:
            return Reply::Type::error;
        default:
            return Reply::Type::nil;
    }
}

// hiredis builds a reply bottom-up through these: each object is attached to its parent array at
// task->idx; the root is handed out by redisReaderGetReply, or freed by freeObject on an error.
// Returning null makes the parser fail with "Out of memory" (we also use it for our bounds).
void* attach(const redisReadTask* task, Reply* reply) {
    if (task->parent != nullptr) {
        auto* parent = static_cast<Reply*>(task->parent->obj);
        parent->elements[static_cast<std::size_t>(task->idx)].reset(reply);
    }
    return reply;
}

void* create_string(const redisReadTask* task, char* text, std::size_t length) {
    auto* reply = new (std::nothrow) Reply;
    if (reply == nullptr) return nullptr;
    reply->type = type_of(task->type);
    try {
        reply->text.assign(text, length);
    } catch (const std::bad_alloc&) {
        delete reply;
        return nullptr;
    }
    return attach(task, reply);
}

void* create_array(const redisReadTask* task, int elements) {
    if (elements < 0 || elements > max_array_elements) return nullptr;
    auto* reply = new (std::nothrow) Reply;
    if (reply == nullptr) return nullptr;
    reply->type = Reply::Type::array;
    reply->elements.resize(static_cast<std::size_t>(elements));
    return attach(task, reply);
}

void* create_integer(const redisReadTask* task, long long value) {
    auto* reply = new (std::nothrow) Reply;
    if (reply == nullptr) return nullptr;
    reply->type = Reply::Type::integer;
    reply->integer = value;
    return attach(task, reply);
}

void* create_nil(const redisReadTask* task) {
    auto* reply = new (std::nothrow) Reply;
    if (reply == nullptr) return nullptr;
    reply->type = Reply::Type::nil;
    return attach(task, reply);
}

void free_object(void* reply) {
    delete static_cast<Reply*>(reply);
}

redisReplyObjectFunctions reply_functions = {create_string, create_array, create_integer,
                                             create_nil, free_object};

}  // namespace

std::string_view Reply::element_text(std::size_t i) const noexcept {
    if (i >= elements.size() || !elements[i]) return {};
    const Reply& element = *elements[i];
    if (element.type != Type::string && element.type != Type::status) return {};
    return element.text;
}

void append_command(std::string& out, const std::vector<std::string_view>& args) {
    std::vector<const char*> argv;
    std::vector<std::size_t> argv_length;
    argv.reserve(args.size());
    argv_length.reserve(args.size());
    for (const auto arg : args) {
        argv.push_back(arg.data());
        argv_length.push_back(arg.size());
    }
    char* command = nullptr;
    const int length = redisFormatCommandArgv(&command, static_cast<int>(args.size()), argv.data(),
                                              argv_length.data());
    if (length < 0 || command == nullptr) throw std::bad_alloc();
    try {
        out.append(command, static_cast<std::size_t>(length));
    } catch (...) {
        redisFreeCommand(command);
        throw;
    }
    redisFreeCommand(command);
}

ReplyReader::ReplyReader(std::size_t max_reply_bytes)
    : reader_(redisReaderCreateWithFunctions(&reply_functions)), max_reply_bytes_(max_reply_bytes) {
    if (reader_ == nullptr) throw std::bad_alloc();
}

ReplyReader::~ReplyReader() {
    redisReaderFree(reader_);
}

bool ReplyReader::feed(const char* data, std::size_t size, std::error_code& ec) {
    if (redisReaderFeed(reader_, data, size) != REDIS_OK) {
        ec = make_error_code(redis_error::protocol_error);
        return false;
    }
    return true;
}

std::unique_ptr<Reply> ReplyReader::next(std::error_code& ec) {
    void* reply = nullptr;
    if (redisReaderGetReply(reader_, &reply) != REDIS_OK) {
        ec = make_error_code(redis_error::protocol_error);
        return nullptr;
    }
    if (reply == nullptr) {
        // Incomplete: what is buffered is the start of one reply; bound it here, so a hostile
        // "$536870912\r\n…" costs at most max_reply_bytes plus one read.
        if (buffered() > max_reply_bytes_) ec = make_error_code(redis_error::message_too_large);
        return nullptr;
    }
    return std::unique_ptr<Reply>(static_cast<Reply*>(reply));
}

std::size_t ReplyReader::buffered() const noexcept {
    return reader_->len - reader_->pos;
}

std::string ReplyReader::error_text() const {
    return reader_->errstr;
}

}  // namespace socketio::redis_detail
