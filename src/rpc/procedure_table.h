// Typed handlers for the REMOTE program's procedures, indexed by number. A handler takes
// the decoded arguments and returns the result struct (or Result<void> for a void result);
// decoding and encoding come from the procedure table's types.
//
//   table.on<Proc::StoragePoolLookupByName>(
//       [](Ctx& ctx, const StringValue& args) -> Result<HandleValue<Pool>> { … });
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "common/result.h"
#include "rpc/protocol/remote_procedures.h"
#include "rpc/xdr_codec.h"

namespace virtus::rpc {

template <class Ctx>
class ProcedureTable {
 public:
  // Returns the encoded result payload.
  using Handler = std::function<Result<std::string>(Ctx&, std::string_view args)>;

  template <remote::Proc P, class F>
  void on(F handler) {
    using Spec = remote::ProcSpec<P>;
    using Args = typename Spec::Args;
    using Ret = typename Spec::Ret;
    auto number = static_cast<std::size_t>(P);
    Handler& slot = number < kDenseLimit ? dense(number) : sparse_[static_cast<std::int32_t>(P)];
    slot = [handler = std::move(handler)](Ctx& ctx,
                                          std::string_view payload) -> Result<std::string> {
      Args args;
      const char* why = nullptr;
      if (!xdrDecodeAll(payload, args, &why))
        return makeError(
            ErrorCode::Rpc, ErrorDomain::Rpc,
            std::string("cannot decode the arguments of ") + std::string(Spec::kApi) + ": " + why);
      if constexpr (std::is_same_v<Ret, Void>) {
        Result<void> r = handler(ctx, args);
        if (!r)
          return std::move(r).error();
        return std::string();
      } else {
        Result<Ret> r = handler(ctx, args);
        if (!r)
          return std::move(r).error();
        return xdrEncodeToString(*r);
      }
    };
  }

  const Handler* find(std::int32_t procedure) const {
    if (procedure < 0)
      return nullptr;
    if (static_cast<std::size_t>(procedure) >= kDenseLimit) {
      auto it = sparse_.find(procedure);
      return it == sparse_.end() ? nullptr : &it->second;
    }
    if (static_cast<std::size_t>(procedure) >= handlers_.size() || !handlers_[procedure])
      return nullptr;
    return &handlers_[procedure];
  }

 private:
  // libvirt's procedures (under 500) by index; Virtus's own, numbered far above, in a map.
  static constexpr std::size_t kDenseLimit = 4096;
  Handler& dense(std::size_t number) {
    if (handlers_.size() <= number)
      handlers_.resize(number + 1);
    return handlers_[number];
  }
  std::vector<Handler> handlers_;
  std::map<std::int32_t, Handler> sparse_;
};

}  // namespace virtus::rpc
