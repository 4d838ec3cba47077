#include "models/tree_forest.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <cmath>

namespace icrm::models {
namespace {

template <typename T>
Result<std::vector<T>> numbers(const boost::json::object& tree, std::string_view key) {
  auto* v = tree.if_contains(key);
  if (!v || !v->is_array()) return Error::invalid(fmt::format("xgboost model: tree lacks {}", key));
  std::vector<T> out;
  for (const auto& e : v->as_array()) {
    if (!e.is_number()) return Error::invalid(fmt::format("xgboost model: {} is not numeric", key));
    out.push_back(static_cast<T>(e.to_number<double>()));
  }
  return out;
}

// XGBoost writes the unused threshold of a category split as a bare NaN,
// which is not JSON: every array element NaN becomes 0.
std::string without_nan(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 3, "NaN") == 0 && i > 0 && (text[i - 1] == '[' || text[i - 1] == ',') &&
        i + 3 < text.size() && (text[i + 3] == ',' || text[i + 3] == ']')) {
      out += '0';
      i += 2;
      continue;
    }
    out += text[i];
  }
  return out;
}

}  // namespace

Result<TreeForest> TreeForest::from_xgboost_json(std::string_view text, std::size_t features,
                                                 std::span<const std::uint32_t> columns,
                                                 std::span<const std::uint32_t> groups) {
  if (!columns.empty() && columns.size() != features)
    return Error::invalid("xgboost model: the column map does not match its features");
  if (!groups.empty() && groups.size() != columns.size())
    return Error::invalid("xgboost model: the category blocks do not match its columns");
  boost::system::error_code ec;
  auto json = boost::json::parse(without_nan(text), ec);
  if (ec) return Error::invalid("xgboost model: not JSON");
  auto find = [](const boost::json::value* v, std::string_view key) -> const boost::json::value* {
    if (!v || !v->is_object()) return nullptr;
    return v->as_object().if_contains(key);
  };
  const auto* learner = find(&json, "learner");
  const auto* param = find(find(learner, "learner_model_param"), "base_score");
  const auto* objective = find(find(learner, "objective"), "name");
  const auto* trees = find(find(find(learner, "gradient_booster"), "model"), "trees");
  if (!param || !param->is_string() || !trees || !trees->is_array() || !objective ||
      !objective->is_string())
    return Error::invalid("xgboost model: unexpected layout");
  if (objective->as_string() != "binary:logistic")
    return Error::invalid("xgboost model: only binary:logistic is supported");
  double base = std::atof(param->as_string().c_str());
  if (!(base > 0 && base < 1)) return Error::invalid("xgboost model: bad base_score");
  TreeForest f;
  f.base_margin_ = std::log(base / (1 - base));
  for (const auto& t : trees->as_array()) {
    if (!t.is_object()) return Error::invalid("xgboost model: a tree is not an object");
    const auto& tree = t.as_object();
    auto left = numbers<std::int32_t>(tree, "left_children");
    auto right = numbers<std::int32_t>(tree, "right_children");
    auto feature = numbers<std::uint32_t>(tree, "split_indices");
    auto value = numbers<float>(tree, "split_conditions");
    auto dleft = numbers<int>(tree, "default_left");
    if (!left || !right || !feature || !value || !dleft)
      return Error::invalid("xgboost model: incomplete tree");
    const std::size_t n = left->size();
    if (right->size() != n || feature->size() != n || value->size() != n || dleft->size() != n ||
        n == 0)
      return Error::invalid("xgboost model: tree arrays differ in length");
    // Category splits: per node, the categories that go right.
    std::vector<std::vector<std::uint32_t>> sets(n);
    if (auto* types = tree.if_contains("split_type"); types && types->is_array()) {
      auto kind = numbers<int>(tree, "split_type");
      auto cats = numbers<std::uint32_t>(tree, "categories");
      auto cat_nodes = numbers<std::size_t>(tree, "categories_nodes");
      auto segments = numbers<std::size_t>(tree, "categories_segments");
      auto sizes = numbers<std::size_t>(tree, "categories_sizes");
      if (!kind || !cats || !cat_nodes || !segments || !sizes || kind->size() != n ||
          segments->size() != cat_nodes->size() || sizes->size() != cat_nodes->size())
        return Error::invalid("xgboost model: incomplete category splits");
      for (std::size_t k = 0; k < cat_nodes->size(); ++k) {
        const std::size_t node = (*cat_nodes)[k], begin = (*segments)[k], size = (*sizes)[k];
        if (node >= n || begin > cats->size() || size > cats->size() - begin)
          return Error::invalid("xgboost model: bad category split");
        sets[node].assign(cats->begin() + std::ptrdiff_t(begin),
                          cats->begin() + std::ptrdiff_t(begin + size));
      }
      for (std::size_t i = 0; i < n; ++i) {
        if ((*kind)[i] == 0) {
          sets[i].clear();
          continue;
        }
        const std::uint32_t feat = (*feature)[i];
        if ((*left)[i] == -1) continue;
        if (feat >= features || groups.empty() || groups[feat] < 2)
          return Error::invalid(
              "xgboost model: a category split on a feature that is not a category block");
        sets[i].push_back(groups[feat]);  // marks the node as a category split; the block size last
      }
    }
    const auto offset = static_cast<std::int32_t>(f.nodes_.size());
    f.roots_.push_back(offset);
    for (std::size_t i = 0; i < n; ++i) {
      std::int32_t l = (*left)[i], r = (*right)[i];
      if (l != -1 && (l < 0 || r < 0 || std::size_t(l) >= n || std::size_t(r) >= n ||
                      std::size_t(l) <= i || std::size_t(r) <= i))
        return Error::invalid("xgboost model: bad child index");
      if (l != -1 && (*feature)[i] >= features)
        return Error::invalid("xgboost model: split on an unknown feature");
      std::uint32_t read = (*feature)[i];
      if (l != -1 && !columns.empty()) read = columns[read];
      Node node{l == -1 ? -1 : l + offset, l == -1 ? -1 : r + offset, read, (*value)[i],
                (*dleft)[i] != 0};
      if (l != -1 && !sets[i].empty()) {
        node.block = sets[i].back();
        node.set = static_cast<std::uint32_t>(f.in_set_.size());
        f.in_set_.resize(f.in_set_.size() + node.block, 0);
        sets[i].pop_back();
        for (std::uint32_t c : sets[i])
          if (c < node.block) f.in_set_[node.set + c] = 1;  // codes past the block never occur
      }
      f.nodes_.push_back(node);
    }
  }
  return f;
}

double TreeForest::predict(const float* row) const {
  double margin = base_margin_;
  for (std::int32_t root : roots_) {
    const Node* node = &nodes_[std::size_t(root)];
    while (node->left >= 0) {
      bool go_left;
      if (node->block > 0) {
        std::uint32_t c = 0;
        while (c < node->block && row[node->feature + c] == 0.f) ++c;
        go_left = c == node->block ? node->default_left : in_set_[node->set + c] == 0;
      } else {
        float x = row[node->feature];
        go_left = std::isnan(x) ? node->default_left : x < node->value;
      }
      node = &nodes_[std::size_t(go_left ? node->left : node->right)];
    }
    margin += node->value;
  }
  return 1 / (1 + std::exp(-margin));
}

}  // namespace icrm::models
