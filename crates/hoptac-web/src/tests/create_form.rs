use super::helpers::*;

fn officers_register_in_their_communes_with_errors_named(url: &str) {
    let reg = TestApp::open(url);
    let (admin, admin_csrf) = reg.admin().session();
    let (officer, officer_csrf) = reg
        .user(
            "can.bo.xa",
            Role::CommuneOfficer,
            Scope::Communes {
                codes: vec!["06184".into()],
            },
        )
        .session();
    let (leader, _) = reg.user("lanh.dao", Role::Leader, Scope::All).session();
    rt().block_on(async {
        let (s, html) = page_call(&reg, "GET", "/to-chuc/moi", Some(&admin), None).await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("<option value=\"06184\">") && html.contains("<option value=\"06079\">"),
            "every commune of the province"
        );
        let (_, html) = page_call(&reg, "GET", "/to-chuc/moi", Some(&officer), None).await;
        assert!(
            html.contains("<option value=\"06184\">") && !html.contains("<option value=\"06079\">"),
            "only the officer's commune: {html}"
        );
        assert_eq!(
            page_call(&reg, "GET", "/to-chuc/moi", Some(&leader), None)
                .await
                .0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            page_call(&reg, "GET", "/to-chuc/moi", None, None).await.0,
            StatusCode::UNAUTHORIZED
        );

        let form = |csrf: &str, commune: &str, founded: &str, members: &str| {
            format!(
                "csrf={csrf}&kind=HTX&commune={commune}&founding_date={founded}\
                 &name=H%E1%BB%A3p+t%C3%A1c+x%C3%A3+Bi%E1%BB%83u+M%E1%BA%ABu\
                 &tax_code=4900000123&members={members}&sector=nong_nghiep"
            )
        };
        // A wrong date and a wrong number: both named, nothing written.
        let (s, html) = page_call(
            &reg,
            "POST",
            "/to-chuc/moi",
            Some(&admin),
            Some(form(
                &admin_csrf,
                "06184",
                "31%2F02%2F2020",
                "nhi%E1%BB%81u",
            )),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("id=\"err-founding_date\"")
                && html.contains("id=\"err-members\"")
                && html.contains("value=\"Hợp tác xã Biểu Mẫu\""),
            "{html}"
        );
        // Another commune than the officer's.
        let (s, html) = page_call(
            &reg,
            "POST",
            "/to-chuc/moi",
            Some(&officer),
            Some(form(&officer_csrf, "06079", "01%2F03%2F2020", "9")),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("ngoài địa bàn"), "{html}");
        let (_, list) = call(&reg, "GET", "/api/v1/organisations", None).await;
        assert_eq!(list["total"], 0, "nothing written");
        // The law's rules come back beside their field (an HTX needs 5 members).
        let (s, html) = page_call(
            &reg,
            "POST",
            "/to-chuc/moi",
            Some(&officer),
            Some(form(&officer_csrf, "06184", "01%2F03%2F2020", "2")),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(html.contains("id=\"err-members\""), "{html}");
        // Registered.
        let (s, _) = page_call(
            &reg,
            "POST",
            "/to-chuc/moi",
            Some(&officer),
            Some(form(&officer_csrf, "06184", "01%2F03%2F2020", "9")),
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (_, list) = call(&reg, "GET", "/api/v1/organisations", None).await;
        assert_eq!(list["total"], 1);
        assert_eq!(list["items"][0]["fields"]["members"], 9);
        assert_eq!(list["items"][0]["fields"]["founding_date"], "2020-03-01");
    });
}

hoptac_testkit::both_backends!(officers_register_in_their_communes_with_errors_named);
