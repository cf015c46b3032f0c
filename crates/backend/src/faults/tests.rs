use super::*;

fn fault(times: Option<u32>) -> Fault {
    Fault {
        method: None,
        path: "/api/v1/packages".into(),
        kind: FaultKind::Status,
        status: Some(503),
        retry_after: None,
        delay_ms: None,
        body: None,
        body_base64: None,
        repeat: None,
        prefix: None,
        suffix: None,
        content_type: None,
        times,
    }
}

#[test]
fn a_body_fault_builds_its_bytes_and_refuses_what_it_cannot() {
    let mut body = Fault {
        kind: FaultKind::Body,
        body: Some("[".into()),
        repeat: Some(3),
        prefix: Some("{\"items\": ".into()),
        suffix: Some("]]]}".into()),
        ..fault(None)
    };
    assert_eq!(body.body_bytes().unwrap(), b"{\"items\": [[[]]]}");
    body.body_base64 = Some("/w==".into());
    body.repeat = None;
    body.prefix = None;
    body.suffix = None;
    assert_eq!(body.body_bytes().unwrap(), [0xff], "bytes win over text");
    body.body_base64 = Some("not base64!".into());
    let error = body.body_bytes().unwrap_err();
    assert!(matches!(error, FaultBodyError::Base64(_)), "{error}");
    assert!(
        error.to_string().starts_with("bodyBase64 is not base64: "),
        "{error}"
    );
    body.body_base64 = None;
    body.repeat = Some(u32::MAX);
    let error = body.body_bytes().unwrap_err();
    assert!(matches!(error, FaultBodyError::TooLarge), "{error}");
    assert_eq!(
        error.to_string(),
        format!("the body would be larger than {MAX_FAULT_BODY} bytes")
    );
    body.body = None;
    body.repeat = None;
    assert_eq!(body.body_bytes().unwrap(), b"", "an empty body");
}

#[test]
fn a_body_answer_has_the_status_content_type_and_no_cache() {
    let answer = body_answer(&Fault {
        kind: FaultKind::Body,
        status: Some(502),
        body: Some("<html></html>".into()),
        content_type: Some("text/html".into()),
        ..fault(None)
    });
    assert_eq!(answer.status(), StatusCode::BAD_GATEWAY);
    assert_eq!(answer.headers()[header::CONTENT_TYPE], "text/html");
    assert_eq!(answer.headers()[header::CACHE_CONTROL], "no-store");
    let bare = body_answer(&Fault {
        kind: FaultKind::Body,
        status: None,
        content_type: Some(String::new()),
        ..fault(None)
    });
    assert_eq!(bare.status(), StatusCode::OK);
    assert!(bare.headers().get(header::CONTENT_TYPE).is_none());
}

#[test]
fn a_fault_is_used_times_times_and_a_zero_count_never() {
    let faults = Faults::default();
    faults.lock().push(fault(Some(0)));
    assert_eq!(faults.take("GET", "/api/v1/packages"), None, "no panic");
    assert!(faults.lock().is_empty());
    faults.lock().push(fault(Some(2)));
    assert!(faults.take("GET", "/api/v1/packages").is_some());
    assert!(faults.take("GET", "/api/v1/packages").is_some());
    assert_eq!(faults.take("GET", "/api/v1/packages"), None);
    faults.lock().push(fault(Some(u32::MAX)));
    assert!(faults.take("GET", "/api/v1/packages").is_some());
    assert_eq!(faults.lock()[0].times, Some(u32::MAX - 1));
}

#[test]
fn a_poisoned_fault_list_still_works() {
    let faults = std::sync::Arc::new(Faults::default());
    let holder = std::sync::Arc::clone(&faults);
    let _ = std::thread::spawn(move || {
        let _held = holder.lock();
        panic!("poison the lock");
    })
    .join();
    assert!(faults.0.is_poisoned());
    faults.lock().push(fault(None));
    assert!(faults.take("GET", "/api/v1/packages").is_some());
}
