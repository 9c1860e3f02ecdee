//! The field-level three-way merge of a version's content (issue 6, SPEC §6): what the partner
//! edited offline (mine) against what the server has now (theirs), both from the same base.
//!
//! The merge works on the JSON form of the content, with one path vocabulary shared by
//! [`merge`], [`field_value`], [`set_field`] and [`changed_fields`]:
//!
//! - `general.display_name`, `technical.manually_provisioned`, `marketplace.support.email`, ...:
//!   a field of a section. The sections and `marketplace.support` merge key by key; every other
//!   value, lists included (`general.emails`, `technical.scopes`, `marketplace.categories`, ...),
//!   is one atomic value.
//! - `subscription_types[Pro]`: the plan named `Pro`, as a whole. Plans have no id: a plan is
//!   known by its name, and a renamed plan is a removal plus an addition.
//! - `subscription_types[Pro].price`: one field of that plan.
//! - `subscription_types.order`: the plan names, in order.
//!
//! A value that is absent (an empty optional text, an empty list, a plan that does not exist) is
//! JSON `null`. No timestamps decide anything: a field changed on one side only takes that side's
//! value, the same change on both sides is taken once, and different changes are a
//! [`FieldConflict`] the partner settles.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::model::{SubscriptionPlan, VersionContent};

/// One field both sides changed differently: the partner chooses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldConflict {
    /// The field's path, e.g. `general.display_name`, `marketplace.categories`,
    /// `subscription_types[Pro].price`, `subscription_types[Pro]` (the whole plan: added on both
    /// sides differently, or deleted on one side and changed on the other), `subscription_types.order`.
    pub field: String,
    /// JSON of the field's value in the base, mine (local) and theirs (server); `null` = absent.
    ///
    /// For `subscription_types.order` the three values are the names of the plans that base,
    /// mine and theirs all have (the plans whose order is contested), each in that side's order;
    /// [`set_field`] with one of them puts those plans in that order.
    pub base: Value,
    pub mine: Value,
    pub theirs: Value,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merge {
    /// Every field changed on one side only takes that side's value; identical changes on both sides are
    /// taken once; a conflicting field keeps MINE's value here (the partner decides later).
    pub merged: VersionContent,
    pub conflicts: Vec<FieldConflict>,
}

/// Why a field path or a value for it was refused. Nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    #[error(
        "no field `{field}` in a version; fields look like general.display_name, \
         marketplace.support.email, subscription_types[Pro], subscription_types[Pro].price or \
         subscription_types.order"
    )]
    UnknownField { field: String },
    #[error(
        "no field `{field}` in a plan; a plan has type, license_type, name, price, currency, \
         description, listing_summary, min_licenses, max_licenses and trial_days"
    )]
    UnknownPlanField { field: String },
    #[error("`{field}`: this version has no plan named `{name}`")]
    NoPlan { field: String, name: String },
    #[error("`{field}`: two plans would be named `{name}`; plan names are unique in a version")]
    DuplicatePlan { field: String, name: String },
    #[error("`{field}` cannot take that value: {reason}")]
    WrongShape { field: String, reason: String },
}

// ---------------------------------------------------------------------------------------------
// The shape of the content's JSON form. `tests::the_schema_matches_the_model` checks it against a
// version with every field filled, so a field added to the model without being added here fails.

#[derive(Clone, Copy)]
enum Shape {
    /// One atomic value: text, number, bool, or a whole list.
    Leaf,
    /// An object merged key by key.
    Object(&'static [(&'static str, Shape)]),
}

use Shape::{Leaf, Object};

const GENERAL: &[(&str, Shape)] = &[
    ("display_name", Leaf),
    ("slug", Leaf),
    ("notes", Leaf),
    ("emails", Leaf),
];
const TECHNICAL: &[(&str, Shape)] = &[
    ("scopes", Leaf),
    ("scopes_reason", Leaf),
    ("urls", Leaf),
    ("manually_provisioned", Leaf),
];
const SUPPORT: &[(&str, Shape)] = &[("email", Leaf), ("phone", Leaf), ("url", Leaf)];
const MARKETPLACE: &[(&str, Shape)] = &[
    ("listing_summary", Leaf),
    ("description", Leaf),
    ("categories", Leaf),
    ("assets", Leaf),
    ("urls", Leaf),
    ("support", Object(SUPPORT)),
];
const SECTIONS: &[(&str, Shape)] = &[
    ("general", Object(GENERAL)),
    ("technical", Object(TECHNICAL)),
    ("marketplace", Object(MARKETPLACE)),
];
const PLAN: &[(&str, Shape)] = &[
    ("type", Leaf),
    ("license_type", Leaf),
    ("name", Leaf),
    ("price", Leaf),
    ("currency", Leaf),
    ("description", Leaf),
    ("listing_summary", Leaf),
    ("min_licenses", Leaf),
    ("max_licenses", Leaf),
    ("trial_days", Leaf),
];

const PLANS: &str = "subscription_types";
const ORDER: &str = "subscription_types.order";

static NULL: Value = Value::Null;

/// A field path, parsed and checked against the shape.
enum Path<'a> {
    /// A section, or a field in one: `general`, `marketplace.support.email`.
    Section(Vec<&'a str>),
    /// The whole plan list.
    Plans,
    Order,
    Plan(&'a str),
    PlanField(&'a str, &'a str),
}

fn parse(field: &str) -> Result<Path<'_>, FieldError> {
    let unknown = || FieldError::UnknownField {
        field: field.to_owned(),
    };
    if field == PLANS {
        return Ok(Path::Plans);
    }
    if field == ORDER {
        return Ok(Path::Order);
    }
    if let Some(rest) = field.strip_prefix("subscription_types[") {
        // A name may contain `]` or `.`: a path that ends in `]` is a whole plan; otherwise the
        // last `].` separates the name from the field (no field name contains `].`).
        if let Some(name) = rest.strip_suffix(']') {
            return Ok(Path::Plan(name));
        }
        let (name, key) = rest.rsplit_once("].").ok_or_else(unknown)?;
        if !PLAN.iter().any(|(k, _)| *k == key) {
            return Err(FieldError::UnknownPlanField {
                field: field.to_owned(),
            });
        }
        return Ok(Path::PlanField(name, key));
    }
    let keys: Vec<&str> = field.split('.').collect();
    let mut shape = Object(SECTIONS);
    for key in &keys {
        let Object(children) = shape else {
            return Err(unknown());
        };
        shape = children
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, s)| *s)
            .ok_or_else(unknown)?;
    }
    Ok(Path::Section(keys))
}

// ---------------------------------------------------------------------------------------------
// JSON helpers.

/// The JSON form of a model value. Serializing the model's derived types cannot fail (no maps
/// with non-text keys, no custom serializers).
fn json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// The value at `keys` below `value`; `null` when absent.
fn get<'v>(value: &'v Value, keys: &[&str]) -> &'v Value {
    keys.iter()
        .try_fold(value, |v, k| v.get(*k))
        .unwrap_or(&NULL)
}

/// Sets the value at `keys` below `value`, making the objects on the way; `null` removes it.
fn put(value: &mut Value, keys: &[&str], new: Value) {
    let Some((last, path)) = keys.split_last() else {
        *value = new;
        return;
    };
    let mut here = value;
    for key in path {
        here = object(here).entry(*key).or_insert(Value::Null);
    }
    let object = object(here);
    if new.is_null() {
        object.remove(*last);
    } else {
        object.insert((*last).to_owned(), new);
    }
}

/// `value` as an object, made an empty one if it is anything else.
fn object(value: &mut Value) -> &mut Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => {
            *other = Value::Object(Map::new());
            object(other)
        }
    }
}

/// Reads a model value back from a merged JSON value. Every value in a merge comes from one of
/// the three inputs, field by field, so this does not fail; if it ever did, `fallback` is kept.
fn from_json<T: for<'de> Deserialize<'de> + Clone>(value: Value, fallback: &T) -> T {
    // A section whose every field was emptied on both sides merges to nothing: it reads back as
    // the empty section (its fields are all `default`), not as no value at all.
    let value = if value.is_null() {
        Value::Object(Map::new())
    } else {
        value
    };
    let read = serde_json::from_value(value);
    debug_assert!(
        read.is_ok(),
        "a merged value reads back: {read:?}",
        read = read.as_ref().err()
    );
    read.unwrap_or_else(|_| fallback.clone())
}

// ---------------------------------------------------------------------------------------------
// Plans by name.

/// A plan's identity: its name, and which of the plans with that name it is (0 for the first).
/// Names are unique in a valid version (validation says so); the ordinal only keeps a version
/// with a repeated name from losing a plan.
type Key = (String, usize);

fn keyed(plans: &[SubscriptionPlan]) -> Vec<(Key, Value)> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    plans
        .iter()
        .map(|plan| {
            let n = seen.entry(plan.name.as_str()).or_insert(0);
            let key = (plan.name.clone(), *n);
            *n += 1;
            (key, json(plan))
        })
        .collect()
}

fn plan_path(name: &str) -> String {
    format!("{PLANS}[{name}]")
}

fn names(keys: &[&Key]) -> Value {
    Value::Array(keys.iter().map(|k| Value::String(k.0.clone())).collect())
}

// ---------------------------------------------------------------------------------------------
// The merge.

/// Merges `mine` (the local edits) and `theirs` (the server's copy), both made from `base`.
///
/// Sections merge key by key (`marketplace.support` too); every other value, lists included, is
/// atomic. Plans merge by name: added on one side, added; added on both, once if identical and a
/// conflict on `subscription_types[Name]` if not; deleted on one side and unchanged on the other,
/// deleted; deleted on one side and changed on the other, a conflict on the whole plan; changed on
/// both, merged field by field. The order of the plans all three have is the side's that changed
/// it (a conflict on `subscription_types.order` if both did, differently); a plan only one side
/// has goes right after the nearest plan before it on that side (first if none), mine's placed
/// before theirs'. A conflict keeps mine's value in `merged`.
///
/// `merge(b, b, t).merged == t` and `merge(b, m, b).merged == m`, exactly, with no conflicts.
pub fn merge(base: &VersionContent, mine: &VersionContent, theirs: &VersionContent) -> Merge {
    let mut conflicts = Vec::new();
    let (b, m, t) = (json(base), json(mine), json(theirs));

    let mut sections = Value::Object(Map::new());
    for (key, shape) in SECTIONS {
        let value = merge_value(
            key,
            *shape,
            get(&b, &[key]),
            get(&m, &[key]),
            get(&t, &[key]),
            &mut conflicts,
        );
        put(&mut sections, &[key], value);
    }
    let section = |key: &str| get(&sections, &[key]).clone();

    let merged = VersionContent {
        general: from_json(section("general"), &mine.general),
        technical: from_json(section("technical"), &mine.technical),
        marketplace: from_json(section("marketplace"), &mine.marketplace),
        subscription_types: merge_plans(
            &base.subscription_types,
            &mine.subscription_types,
            &theirs.subscription_types,
            &mut conflicts,
        ),
    };
    Merge { merged, conflicts }
}

/// The three-way merge of one value at `path`: objects key by key, anything else atomic.
/// Returns the merged value (`null` = absent) and records conflicts.
fn merge_value(
    path: &str,
    shape: Shape,
    b: &Value,
    m: &Value,
    t: &Value,
    conflicts: &mut Vec<FieldConflict>,
) -> Value {
    if m == t || t == b {
        return m.clone();
    }
    if m == b {
        return t.clone();
    }
    match shape {
        Leaf => {
            conflicts.push(FieldConflict {
                field: path.to_owned(),
                base: b.clone(),
                mine: m.clone(),
                theirs: t.clone(),
            });
            m.clone()
        }
        Object(children) => {
            let mut out = Value::Object(Map::new());
            for (key, child) in children {
                let value = merge_value(
                    &format!("{path}.{key}"),
                    *child,
                    get(b, &[key]),
                    get(m, &[key]),
                    get(t, &[key]),
                    conflicts,
                );
                put(&mut out, &[key], value);
            }
            // An object left empty is absent, as the model writes it.
            if out.as_object().is_some_and(Map::is_empty) {
                Value::Null
            } else {
                out
            }
        }
    }
}

fn merge_plans(
    base: &[SubscriptionPlan],
    mine: &[SubscriptionPlan],
    theirs: &[SubscriptionPlan],
    conflicts: &mut Vec<FieldConflict>,
) -> Vec<SubscriptionPlan> {
    let (b, m, t) = (keyed(base), keyed(mine), keyed(theirs));
    let index = |side: &[(Key, Value)]| -> HashMap<Key, Value> { side.iter().cloned().collect() };
    let (bi, mi, ti) = (index(&b), index(&m), index(&t));

    // Every plan once: base's order, then mine's additions, then theirs'.
    let mut all: Vec<&Key> = Vec::new();
    let mut listed: HashSet<&Key> = HashSet::new();
    for (key, _) in b.iter().chain(&m).chain(&t) {
        if listed.insert(key) {
            all.push(key);
        }
    }

    let mut kept: HashMap<&Key, Value> = HashMap::new();
    for key in all {
        let path = plan_path(&key.0);
        let (bv, mv, tv) = (bi.get(key), mi.get(key), ti.get(key));
        let mut conflict = |b: Option<&Value>, m: Option<&Value>, t: Option<&Value>| {
            conflicts.push(FieldConflict {
                field: path.clone(),
                base: b.cloned().unwrap_or(Value::Null),
                mine: m.cloned().unwrap_or(Value::Null),
                theirs: t.cloned().unwrap_or(Value::Null),
            })
        };
        let value = match (bv, mv, tv) {
            (Some(bv), Some(mv), Some(tv)) => {
                Some(merge_value(&path, Object(PLAN), bv, mv, tv, conflicts))
            }
            // Deleted on one side: deleted if the other left it alone, a conflict if it changed it.
            (Some(bv), Some(mv), None) => {
                if mv != bv {
                    conflict(Some(bv), Some(mv), None);
                    Some(mv.clone())
                } else {
                    None
                }
            }
            (Some(bv), None, Some(tv)) => {
                if tv != bv {
                    conflict(Some(bv), None, Some(tv));
                }
                None
            }
            (Some(_), None, None) => None,
            (None, Some(mv), Some(tv)) => {
                if mv != tv {
                    conflict(None, Some(mv), Some(tv));
                }
                Some(mv.clone())
            }
            (None, Some(v), None) | (None, None, Some(v)) => Some(v.clone()),
            (None, None, None) => None,
        };
        if let Some(value) = value {
            kept.insert(key, value);
        }
    }

    let order = merge_order(&b, &m, &t, &kept, conflicts);
    let fallback = mine.iter().chain(theirs).chain(base);
    order
        .into_iter()
        .filter_map(|key| {
            let value = kept.get(key)?.clone();
            let like = fallback.clone().find(|p| p.name == key.0)?;
            Some(from_json(value, like))
        })
        .collect()
}

/// The order of the kept plans. The plans all three sides have take the order of the side that
/// changed it; every other kept plan goes right after the nearest plan before it on its side.
fn merge_order<'k>(
    b: &'k [(Key, Value)],
    m: &'k [(Key, Value)],
    t: &'k [(Key, Value)],
    kept: &HashMap<&'k Key, Value>,
    conflicts: &mut Vec<FieldConflict>,
) -> Vec<&'k Key> {
    let keys = |side: &'k [(Key, Value)]| -> Vec<&'k Key> { side.iter().map(|(k, _)| k).collect() };
    let (b, m, t) = (keys(b), keys(m), keys(t));
    let (in_m, in_t): (HashSet<&Key>, HashSet<&Key>) =
        (m.iter().copied().collect(), t.iter().copied().collect());
    let common: HashSet<&Key> = b
        .iter()
        .copied()
        .filter(|k| in_m.contains(k) && in_t.contains(k))
        .collect();
    let relative = |side: &[&'k Key]| -> Vec<&'k Key> {
        side.iter()
            .copied()
            .filter(|k| common.contains(k))
            .collect()
    };
    let (br, mr, tr) = (relative(&b), relative(&m), relative(&t));

    let mut order = if mr == tr || tr == br {
        mr
    } else if mr == br {
        tr
    } else {
        conflicts.push(FieldConflict {
            field: ORDER.to_owned(),
            base: names(&br),
            mine: names(&mr),
            theirs: names(&tr),
        });
        mr
    };

    // Mine's plans are placed first; a plan of theirs placed after the same plan goes after them.
    let placed_by_mine = |k: &Key| in_m.contains(k) && !common.contains(k);
    for (side, mine_side) in [(&m, true), (&t, false)] {
        for (i, key) in side.iter().enumerate() {
            let own = mine_side || !in_m.contains(key);
            if common.contains(key) || !kept.contains_key(key) || !own {
                continue;
            }
            let mut at = side[..i]
                .iter()
                .rev()
                .find_map(|before| order.iter().position(|k| k == before))
                .map_or(0, |p| p + 1);
            while !mine_side && at < order.len() && placed_by_mine(order[at]) {
                at += 1;
            }
            order.insert(at, key);
        }
    }
    order
}

// ---------------------------------------------------------------------------------------------
// Reading, writing and comparing one field.

/// The JSON value of `field` (a path as in FieldConflict) in `content`; Null when absent.
pub fn field_value(content: &VersionContent, field: &str) -> Result<Value, FieldError> {
    Ok(match parse(field)? {
        Path::Section(keys) => get(&json(content), &keys).clone(),
        Path::Plans => json(&content.subscription_types),
        Path::Order => Value::Array(
            content
                .subscription_types
                .iter()
                .map(|p| Value::String(p.name.clone()))
                .collect(),
        ),
        Path::Plan(name) => find_plan(content, name).map_or(Value::Null, json),
        Path::PlanField(name, key) => {
            find_plan(content, name).map_or(Value::Null, |p| get(&json(p), &[key]).clone())
        }
    })
}

fn find_plan<'c>(content: &'c VersionContent, name: &str) -> Option<&'c SubscriptionPlan> {
    content.subscription_types.iter().find(|p| p.name == name)
}

/// Sets `field` to `value` (Null on a plan path = remove the plan; for `subscription_types.order` the value is the
/// list of plan names in order). Errors (unknown field, a value of the wrong shape) change nothing.
///
/// A plan set by `subscription_types[Name]` must be named `Name`; a new one goes last. The order
/// may name only some of the plans: those are put in the given order in the places they hold,
/// and the others stay where they are. `null` on a section's field makes it absent (its default).
pub fn set_field(
    content: &mut VersionContent,
    field: &str,
    value: Value,
) -> Result<(), FieldError> {
    let wrong = |reason: String| FieldError::WrongShape {
        field: field.to_owned(),
        reason,
    };
    let mut plans = content.subscription_types.clone();
    match parse(field)? {
        Path::Section(keys) => {
            let mut whole = json(content);
            put(&mut whole, &keys, value);
            let mut updated: VersionContent =
                serde_json::from_value(whole).map_err(|e| wrong(e.to_string()))?;
            updated.subscription_types = plans;
            *content = updated;
            return Ok(());
        }
        Path::Plans => {
            plans = serde_json::from_value(value).map_err(|e| wrong(e.to_string()))?;
        }
        Path::Order => {
            let wanted: Vec<String> = serde_json::from_value(value)
                .map_err(|e| wrong(format!("a list of plan names: {e}")))?;
            let mut slots = Vec::new();
            for (i, name) in wanted.iter().enumerate() {
                if wanted[..i].contains(name) {
                    return Err(wrong(format!("`{name}` is listed twice")));
                }
                let slot = plans.iter().position(|p| &p.name == name).ok_or_else(|| {
                    FieldError::NoPlan {
                        field: field.to_owned(),
                        name: name.clone(),
                    }
                })?;
                slots.push(slot);
            }
            let moved: Vec<SubscriptionPlan> = slots.iter().map(|&s| plans[s].clone()).collect();
            slots.sort_unstable();
            for (slot, plan) in slots.into_iter().zip(moved) {
                plans[slot] = plan;
            }
        }
        Path::Plan(name) => {
            let at = plans.iter().position(|p| p.name == name);
            if value.is_null() {
                if let Some(at) = at {
                    plans.remove(at);
                }
            } else {
                let plan: SubscriptionPlan =
                    serde_json::from_value(value).map_err(|e| wrong(e.to_string()))?;
                if plan.name != name {
                    return Err(wrong(format!(
                        "the plan is named `{}`, not `{name}`",
                        plan.name
                    )));
                }
                match at {
                    Some(at) => plans[at] = plan,
                    None => plans.push(plan),
                }
            }
        }
        Path::PlanField(name, key) => {
            let no_plan = || FieldError::NoPlan {
                field: field.to_owned(),
                name: name.to_owned(),
            };
            let at = plans
                .iter()
                .position(|p| p.name == name)
                .ok_or_else(no_plan)?;
            let mut plan = json(&plans[at]);
            put(&mut plan, &[key], value);
            plans[at] = serde_json::from_value(plan).map_err(|e| wrong(e.to_string()))?;
        }
    }
    let mut seen = HashSet::new();
    if let Some(twice) = plans.iter().find(|p| !seen.insert(p.name.as_str())) {
        return Err(FieldError::DuplicatePlan {
            field: field.to_owned(),
            name: twice.name.clone(),
        });
    }
    content.subscription_types = plans;
    Ok(())
}

/// The content sections, as the API's `PATCH` of a version names them: each is written whole.
pub const CONTENT_SECTIONS: [&str; 4] = ["general", "technical", "marketplace", PLANS];

/// The section of the content a field path belongs to (`general`, `technical`, `marketplace` or
/// `subscription_types`: one of [`CONTENT_SECTIONS`]); `None` for a path that is none of them
/// (the icon's conflict is on `icon`).
pub fn section_of(field: &str) -> Option<&'static str> {
    let head = field.split(['.', '[']).next().unwrap_or_default();
    CONTENT_SECTIONS
        .into_iter()
        .find(|section| *section == head)
}

/// The leaf field paths whose values differ between a and b (same path vocabulary), for "what changed" lists.
///
/// A plan only one side has is listed whole (`subscription_types[Name]`), a plan both have by its
/// changed fields. `subscription_types.order` is listed, last, when b's plans are not in the
/// order that removing a's dropped plans and adding b's new ones at the end would give; so
/// setting every listed path of `a` to its value in `b`, in this order, makes `a` equal `b`.
pub fn changed_fields(a: &VersionContent, b: &VersionContent) -> Vec<String> {
    let mut out = Vec::new();
    let (ja, jb) = (json(a), json(b));
    for (key, shape) in SECTIONS {
        diff_value(key, *shape, get(&ja, &[key]), get(&jb, &[key]), &mut out);
    }
    let (pa, pb) = (keyed(&a.subscription_types), keyed(&b.subscription_types));
    let ib: HashMap<&Key, &Value> = pb.iter().map(|(k, v)| (k, v)).collect();
    let ia: HashSet<&Key> = pa.iter().map(|(k, _)| k).collect();
    for (key, va) in &pa {
        match ib.get(key) {
            Some(vb) => diff_value(&plan_path(&key.0), Object(PLAN), va, vb, &mut out),
            None => out.push(plan_path(&key.0)),
        }
    }
    for (key, _) in &pb {
        if !ia.contains(key) {
            out.push(plan_path(&key.0));
        }
    }
    let expected = pa
        .iter()
        .map(|(k, _)| k)
        .filter(|k| ib.contains_key(k))
        .chain(pb.iter().map(|(k, _)| k).filter(|k| !ia.contains(k)));
    if !expected.eq(pb.iter().map(|(k, _)| k)) {
        out.push(ORDER.to_owned());
    }
    out
}

/// Every path that has a value in `content` (same path vocabulary; an absent path's value is
/// `null`): each section field, each plan whole and field by field (of plans sharing a name, the
/// first, which [`field_value`] reads), the whole plan list `subscription_types`, and
/// `subscription_types.order`. With [`field_value`], a record of what a copy held, field by field.
pub fn field_paths(content: &VersionContent) -> Vec<String> {
    let mut out = Vec::new();
    let whole = json(content);
    for (key, shape) in SECTIONS {
        value_paths(key, *shape, get(&whole, &[key]), &mut out);
    }
    for ((name, nth), value) in keyed(&content.subscription_types) {
        if nth == 0 {
            let path = plan_path(&name);
            out.push(path.clone());
            value_paths(&path, Object(PLAN), &value, &mut out);
        }
    }
    out.push(PLANS.to_owned());
    out.push(ORDER.to_owned());
    out
}

fn value_paths(path: &str, shape: Shape, value: &Value, out: &mut Vec<String>) {
    if value.is_null() {
        return;
    }
    match shape {
        Leaf => out.push(path.to_owned()),
        Object(children) => {
            for (key, child) in children {
                value_paths(&format!("{path}.{key}"), *child, get(value, &[key]), out);
            }
        }
    }
}

fn diff_value(path: &str, shape: Shape, a: &Value, b: &Value, out: &mut Vec<String>) {
    if a == b {
        return;
    }
    match shape {
        Leaf => out.push(path.to_owned()),
        Object(children) => {
            for (key, child) in children {
                diff_value(
                    &format!("{path}.{key}"),
                    *child,
                    get(a, &[key]),
                    get(b, &[key]),
                    out,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests;
