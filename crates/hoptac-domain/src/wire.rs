//! How request bodies are read. serde reads a struct from a JSON array too, by
//! position (`[null, null]` for figures whose every field is optional): for a client
//! that is an undocumented second shape, so records are read from objects only.

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// Deserializes `T` from a JSON object only (for `#[serde(deserialize_with)]`).
pub fn from_object<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<T, D::Error> {
    struct Object<T>(PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for Object<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
        }
    }
    d.deserialize_map(Object(PhantomData))
}

#[cfg(test)]
mod tests {
    use crate::report::ReportFigures;

    #[derive(serde::Deserialize)]
    struct Body {
        #[serde(deserialize_with = "super::from_object")]
        figures: ReportFigures,
    }

    #[test]
    fn records_are_read_from_objects_only() {
        let ok: Body = serde_json::from_str(r#"{"figures": {"revenue": 5}}"#).expect("object");
        assert_eq!(ok.figures.revenue, Some(5));
        for bad in [
            r#"{"figures": [null, null]}"#,
            r#"{"figures": []}"#,
            r#"{"figures": 3}"#,
        ] {
            assert!(serde_json::from_str::<Body>(bad).is_err(), "{bad}");
        }
    }
}
