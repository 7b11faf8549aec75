//! The support half of Letter 538 (*hỗ trợ*): the fixed vocabularies that the support
//! ledger, training courses and young graduates share (spec `programmes.md` §1, §3).
//! Only names and parsing live here; records and rules live beside their subjects.

use serde::{Deserialize, Serialize};

code_enum! {
    /// Kind of support (*loại hỗ trợ*). The Vietnamese names are what files and pages use.
    SupportKind {
        /// *Thành lập mới*: a founding; its beneficiary counts as a supported founding.
        Founding = "thanh_lap_moi", "Thành lập mới", "Founding";
        /// *Tổ chức lại*.
        Reorganisation = "to_chuc_lai", "Tổ chức lại", "Reorganisation";
        /// *Đào tạo, bồi dưỡng*.
        Training = "dao_tao", "Đào tạo, bồi dưỡng", "Training";
        /// *Xúc tiến thương mại*.
        TradePromotion = "xuc_tien_thuong_mai", "Xúc tiến thương mại", "Trade promotion";
        /// *Xây dựng thương hiệu, OCOP*.
        Branding = "thuong_hieu_ocop", "Xây dựng thương hiệu, OCOP", "Branding, OCOP" ["thuong hieu", "ocop", "branding"];
        /// *Ứng dụng khoa học công nghệ* (also digital transformation).
        Technology = "khoa_hoc_cong_nghe", "Ứng dụng khoa học công nghệ", "Technology and digital transformation" ["technology"];
        /// *Kết cấu hạ tầng*.
        Infrastructure = "ha_tang", "Kết cấu hạ tầng", "Infrastructure";
        /// *Đất đai*.
        Land = "dat_dai", "Đất đai", "Land";
        /// *Tín dụng*.
        Credit = "tin_dung", "Tín dụng", "Credit";
        /// *Tư vấn*.
        Consulting = "tu_van", "Tư vấn", "Consulting";
        /// *Đưa trí thức trẻ về HTX*.
        YoungGraduates = "tri_thuc_tre", "Đưa trí thức trẻ về HTX", "Young graduates" ["tri thuc tre"];
    }
}

code_enum! {
    /// Budget source (*nguồn vốn*).
    BudgetSource {
        /// *Ngân sách trung ương*.
        Central = "trung_uong", "Ngân sách trung ương", "Central budget" ["central"];
        /// *Ngân sách tỉnh*.
        Provincial = "tinh", "Ngân sách tỉnh", "Provincial budget" ["provincial"];
        /// *Ngân sách xã*.
        Commune = "xa", "Ngân sách xã", "Commune budget" ["commune"];
        /// *Vốn đối ứng của tổ chức*: the organisation's own contribution.
        Own = "doi_ung", "Vốn đối ứng của tổ chức", "Organisation's own funds" ["own"];
        /// *Nguồn khác*.
        Other = "khac", "Nguồn khác", "Other" ["other"];
    }
}

/// A programme that ships preloaded (*chương trình*): a starting list officers adapt.
/// Codes are ours; names are exactly as the spec writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PreloadedProgramme {
    pub code: &'static str,
    pub name_vi: &'static str,
    pub name_en: &'static str,
}

/// The channels Letter 538 §3 names, as the spec lists them (every budget source allowed).
pub const PRELOADED_PROGRAMMES: &[PreloadedProgramme] = &[
    PreloadedProgramme {
        code: "NTM",
        name_vi: "Chương trình MTQG xây dựng nông thôn mới",
        name_en: "National target programme on new countryside",
    },
    PreloadedProgramme {
        code: "KHUYEN_CONG",
        name_vi: "Chương trình khuyến công",
        name_en: "Industrial extension programme",
    },
    PreloadedProgramme {
        code: "XTTM",
        name_vi: "Chương trình xúc tiến thương mại",
        name_en: "Trade promotion programme",
    },
    PreloadedProgramme {
        code: "TAI_CO_CAU",
        name_vi: "Chương trình tái cơ cấu ngành nông nghiệp",
        name_en: "Agricultural restructuring programme",
    },
    PreloadedProgramme {
        code: "THIEN_TAI",
        name_vi: "Chương trình phòng chống, giảm nhẹ thiên tai",
        name_en: "Disaster prevention and mitigation programme",
    },
    PreloadedProgramme {
        code: "QUY_HTND",
        name_vi: "Quỹ Hỗ trợ nông dân",
        name_en: "Farmers' Support Fund",
    },
    PreloadedProgramme {
        code: "QUY_HTPT_HTX",
        name_vi: "Quỹ Hỗ trợ phát triển HTX",
        name_en: "Cooperative Development Support Fund",
    },
    PreloadedProgramme {
        code: "NS_TINH_KTTT",
        name_vi: "Ngân sách tỉnh hỗ trợ kinh tế tập thể",
        name_en: "Provincial budget support for the collective economy",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_sources_parse_with_and_without_diacritics_and_in_english() {
        assert_eq!(
            SupportKind::parse("Thành lập mới"),
            Some(SupportKind::Founding)
        );
        assert_eq!(
            SupportKind::parse("thanh lap moi"),
            Some(SupportKind::Founding)
        );
        assert_eq!(SupportKind::parse("Founding"), Some(SupportKind::Founding));
        assert_eq!(
            SupportKind::parse("Xay dung thuong hieu, OCOP"),
            Some(SupportKind::Branding)
        );
        assert_eq!(
            BudgetSource::parse("Ngân sách tỉnh"),
            Some(BudgetSource::Provincial)
        );
        assert_eq!(
            BudgetSource::parse("von doi ung cua to chuc"),
            Some(BudgetSource::Own)
        );
        assert_eq!(SupportKind::parse("quà tặng"), None);
    }

    #[test]
    fn preloaded_programme_codes_are_unique() {
        let mut codes: Vec<_> = PRELOADED_PROGRAMMES.iter().map(|p| p.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 8);
    }
}
