//! The shape shared by the small closed vocabularies stored as text (order status, pay method,
//! payment status, role, submit-token purpose, movement reason, lookup outcome): `as_str()` is the
//! database / form value and `parse()` its inverse; serde uses the same snake_case spelling, so
//! these enums can be deserialized straight from form fields. `db::vocabulary` maps them to columns.

/// Defines `as_str`, `parse` and `ALL` for a fieldless enum from one table of variant ↔ text.
macro_rules! text_enum {
    ($ty:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// The stored (database / form) spelling.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $text),+
                }
            }

            /// Inverse of [`Self::as_str`]; exact match, anything else is `None`.
            pub fn parse(input: &str) -> Option<Self> {
                match input {
                    $($text => Some($ty::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use text_enum;

/// as_str/parse round-trip, serde agrees, stored strings are unique and exact.
#[cfg(test)]
macro_rules! check_round_trip {
    ($ty:ident, [$($text:literal),+]) => {{
        use serde::de::IntoDeserializer;
        fn from_form<'a, T: serde::Deserialize<'a>>(
            s: &'a str,
        ) -> Result<T, serde::de::value::Error> {
            let de: serde::de::value::StrDeserializer<'a, serde::de::value::Error> =
                s.into_deserializer();
            T::deserialize(de)
        }
        let expected: &[&str] = &[$($text),+];
        assert_eq!($ty::ALL.len(), expected.len());
        for (v, text) in $ty::ALL.iter().zip(expected) {
            assert_eq!(v.as_str(), *text);
            assert_eq!($ty::parse(text), Some(*v));
            assert_eq!(from_form::<$ty>(text).ok(), Some(*v));
            assert_eq!($ty::parse(&text.to_uppercase()), None);
            assert_eq!($ty::parse(&format!(" {text}")), None);
        }
        assert_eq!($ty::parse(""), None);
        assert_eq!($ty::parse("nonsense"), None);
        assert!(from_form::<$ty>("nonsense").is_err());
    }};
}
#[cfg(test)]
pub(crate) use check_round_trip;
