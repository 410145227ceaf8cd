// For the consumers that have no Asio code of their own.
const char* use_own_asio() {
    return "none";
}
