//! The viewer's components in a real browser (headless Chromium through chromedriver; run by
//! `make test-browser`). The worker is not here (it needs the built dist/): analyses are run
//! in the test with the same `analysis::run` the worker calls. End-to-end runs with the
//! worker are in tests/e2e/.
#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use cpguard_core::metrics::summary::{EtcdSize, VerbLatency};
use cpguard_core::Severity;
use cpguard_viewer::analysis::{self, Dump, Job};
use cpguard_viewer::charts::etcd_gauge::EtcdGauge;
use cpguard_viewer::charts::latency::VerbLatencyChart;
use cpguard_viewer::components::app::{self, App};
use cpguard_viewer::model;
use cpguard_viewer::sample;
use cpguard_viewer::state::{Action, Slot, State};
use gloo::storage::Storage;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

fn mount() -> Element {
    let document = gloo::utils::document();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    root
}

async fn settle() {
    gloo_timers::future::TimeoutFuture::new(20).await;
}

fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector} in {}", root.inner_html()))
}

fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

fn click(root: &Element, selector: &str) {
    find(root, selector).unchecked_into::<HtmlElement>().click();
}

/// Types `text` the way a user does: the value changes, then an `input` event bubbles.
fn type_into(root: &Element, selector: &str, text: &str) {
    let element = find(root, selector);
    if let Some(area) = element.dyn_ref::<HtmlTextAreaElement>() {
        area.set_value(text);
    } else {
        element.unchecked_ref::<HtmlInputElement>().set_value(text);
    }
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("input", &init).unwrap();
    element.dispatch_event(&event).unwrap();
}

#[wasm_bindgen_test]
async fn inputs_are_labelled_and_the_page_starts_empty() {
    let root = mount();
    yew::Renderer::<App>::with_root(root.clone()).render();
    settle().await;
    for (id, label) in [("metrics", "Metrics"), ("cluster", "Cluster YAML")] {
        assert_eq!(
            find(&root, &format!("label[for={id}]"))
                .text_content()
                .unwrap(),
            label
        );
        assert_eq!(find(&root, &format!("#{id}")).tag_name(), "TEXTAREA");
        let hint = find(&root, &format!("#{id}-hint")).text_content().unwrap();
        assert!(hint.contains("kubectl get"), "{hint}");
    }
    assert!(find(&root, "#privacy")
        .text_content()
        .unwrap()
        .contains("never leaves the page"));
    assert!(find(&root, "#empty")
        .text_content()
        .unwrap()
        .contains("Try a sample"));
    // The settings panel lists every setting with its help line.
    assert_eq!(
        count(&root, "#settings .setting"),
        cpguard_core::config::HELP.len() as u32
    );
}

#[wasm_bindgen_test]
async fn unreadable_input_says_what_and_where() {
    let root = mount();
    yew::Renderer::<App>::with_root(root.clone()).render();
    settle().await;
    click(&root, "#analyze");
    settle().await;
    assert_eq!(
        find(&root, "#error").text_content().unwrap(),
        "Could not analyse the inputs. Nothing to analyse: paste a metrics dump or a cluster export (or try the sample)."
    );
    type_into(&root, "#metrics", "up 1\n");
    type_into(&root, "#metrics-taken-at", "last tuesday");
    click(&root, "#analyze");
    settle().await;
    assert!(find(&root, "#error")
        .text_content()
        .unwrap()
        .ends_with("Metrics: \"taken at\" \"last tuesday\" is not a time: use RFC 3339 (2026-11-27T12:00:00Z) or Unix seconds"));
}

/// A page whose metrics were analysed with `config`, in the test (the worker needs dist/).
fn analysed_with(config: &cpguard_core::Config, metrics: &str, cluster: Option<&str>) -> State {
    let config = serde_json::to_string(config).unwrap();
    let job = Job {
        config: &config,
        metrics: Some(Dump {
            text: metrics,
            taken_at: None,
        }),
        metrics_later: None,
        cluster: cluster.map(|c| ("cluster.yaml", c)),
        now: None,
    };
    let outcome = analysis::run(&job, &mut |_| {});
    State::default()
        .apply(Action::Edit(Slot::Metrics, metrics.into()))
        .apply(Action::Started)
        .apply(Action::Finished {
            outcome,
            total_ms: 5.0,
        })
}

fn analysed(metrics: &str, cluster: Option<&str>) -> State {
    analysed_with(&cpguard_core::Config::default(), metrics, cluster)
}

/// The whole page, starting from `state`.
fn render(state: State) -> Element {
    let root = mount();
    yew::Renderer::<App>::with_root_and_props(
        root.clone(),
        app::Props {
            initial: Some(Rc::new(state)),
        },
    )
    .render();
    root
}

#[wasm_bindgen_test]
async fn findings_filter_and_open_with_the_keyboard() {
    let state = analysed(sample::METRICS, Some(sample::CLUSTER));
    let report = state.loaded.clone().unwrap();
    let root = render(state);
    settle().await;
    let all = report.report.findings.len() as u32;
    let critical = report
        .report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Critical)
        .count() as u32;
    assert!(critical >= 2 && all > critical, "{critical} of {all}");
    assert_eq!(count(&root, "#findings-table tbody tr"), all);
    click(&root, "#filter-critical");
    settle().await;
    assert_eq!(count(&root, "#findings-table tbody tr"), all - critical);
    assert_eq!(
        find(&root, "#filter-critical")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("false")
    );
    click(&root, "#filter-critical");
    // SYS001's message; SYS004 names the same Pod, as the StatefulSet's rejected Pod.
    type_into(&root, "#search", "redis-0: sysctl");
    settle().await;
    assert_eq!(count(&root, "#findings-table tbody tr"), 1);
    // Keyboard: Enter on the focused row opens its details.
    let row = find(&root, "#findings-table tbody tr");
    row.unchecked_ref::<HtmlElement>().focus().unwrap();
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Enter");
    init.set_bubbles(true);
    let key = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    row.dispatch_event(&key).unwrap();
    settle().await;
    let finding = report
        .report
        .findings
        .iter()
        .find(|f| f.check == "SYS001" && model::subject(f) == "Pod/cache/redis-0")
        .unwrap();
    assert_eq!(
        find(&root, "#details-message").text_content().unwrap(),
        finding.message
    );
    assert_eq!(
        find(&root, "#details-remediation").text_content().unwrap(),
        finding.remediation
    );
    assert_eq!(
        find(&root, "#details a").get_attribute("rel").as_deref(),
        Some("noopener noreferrer")
    );
}

#[wasm_bindgen_test]
async fn pasted_markup_is_shown_as_text() {
    let hostile = "<img src=x onerror=\"document.title='pwned'\"> 1\nup 1\n";
    let root = render(analysed(hostile, None));
    settle().await;
    let excerpt = find(&root, "#diagnostics .excerpt").text_content().unwrap();
    assert_eq!(excerpt, "<img src=x onerror=\"document.title='pwned'\"> 1");
    assert_eq!(count(&root, "img"), 0);
    assert!(find(&root, "#diagnostics li")
        .text_content()
        .unwrap()
        .contains("metrics line 1"));
    assert_ne!(gloo::utils::document().title(), "pwned");
}

#[wasm_bindgen_test]
async fn charts_draw_the_numbers() {
    let root = mount();
    let etcd = EtcdSize {
        db_size_bytes: 4.0 * 1024.0 * 1024.0 * 1024.0,
        quota_bytes: 8.0 * 1024.0 * 1024.0 * 1024.0,
        source_metric: "apiserver_storage_size_bytes".into(),
        quota_from_dump: true,
    };
    yew::Renderer::<EtcdGauge>::with_root_and_props(
        root.clone(),
        cpguard_viewer::charts::etcd_gauge::Props {
            etcd,
            warn: 0.8,
            critical: 0.95,
        },
    )
    .render();
    settle().await;
    assert_eq!(
        find(&root, ".gauge-number").text_content().unwrap(),
        "50.00 %"
    );
    assert_eq!(
        find(&root, ".gauge-value")
            .get_attribute("class")
            .as_deref(),
        Some("gauge-value gauge-ok")
    );
    assert_eq!(
        find(&root, "desc").text_content().unwrap(),
        "4.0 GiB of 8.0 GiB quota (50.00 %)"
    );

    let root = mount();
    let verb = |verb: &str, p99: Option<f64>| VerbLatency {
        verb: verb.to_owned(),
        count: 10.0,
        p50: Some(0.01),
        p90: Some(0.1),
        p99,
    };
    yew::Renderer::<VerbLatencyChart>::with_root_and_props(
        root.clone(),
        cpguard_viewer::charts::latency::Props {
            verbs: vec![verb("GET", Some(0.5)), verb("LIST", None)],
        },
    )
    .render();
    settle().await;
    // Three bars for GET, two for LIST (no p99), one label each.
    assert_eq!(count(&root, "rect"), 5);
    assert_eq!(find(&root, "desc").text_content().unwrap(),
        "GET: p50 10 ms, p90 100 ms, p99 500 ms over 10 requests; LIST: p50 10 ms, p90 100 ms, p99 - over 10 requests");
}

fn titles(root: &Element, selector: &str) -> Vec<String> {
    let nodes = root.query_selector_all(selector).unwrap();
    (0..nodes.length())
        .map(|i| nodes.get(i).unwrap().text_content().unwrap())
        .collect()
}

/// Issue 11: the marks are the thresholds the findings were judged with, whatever the settings
/// panel holds now (the page once drew the edited settings, and the defaults when those did not
/// parse).
#[wasm_bindgen_test]
async fn charts_draw_the_reports_thresholds_not_the_settings_being_edited() {
    let judged = cpguard_core::Config {
        etcd_warn_ratio: 0.5,
        etcd_critical_ratio: 0.8,
        object_count_warn: 2000.0,
        webhook_timeout_seconds: 2.0,
        webhook_timeout_fraction: 0.1,
        ..cpguard_core::Config::default()
    };
    let set = |key: &str, value: serde_json::Value| Action::SetSetting(vec![key.to_owned()], value);
    let state = analysed_with(&judged, sample::METRICS, None)
        .apply(set("objectCountWarn", serde_json::json!("lots")))
        .apply(set("etcdWarnRatio", serde_json::json!(0.9)))
        .apply(set("webhookTimeoutSeconds", serde_json::json!(30)));
    let report = state.loaded.clone().unwrap().report.clone();
    assert_eq!(report.config, judged);
    let root = render(state);
    settle().await;
    assert_eq!(
        find(&root, "#setting-objectCountWarn")
            .unchecked_into::<HtmlInputElement>()
            .value(),
        "lots"
    );
    let findings = |check: &str| -> Vec<&cpguard_core::report::Finding> {
        report
            .findings
            .iter()
            .filter(|f| f.check == check)
            .collect()
    };

    // etcd: 7.1 GB of 8 GiB (83 %) is critical from 80 %, not a warning as by default.
    assert_eq!(
        titles(&root, "#chart-etcd .tick title"),
        ["warning from 50.00 %", "critical from 80.00 %"]
    );
    let etcd = findings("ETCD001");
    assert_eq!(etcd.len(), 1);
    assert_eq!(etcd[0].severity, Severity::Critical);
    assert_eq!(
        find(&root, "#chart-etcd .gauge-value")
            .get_attribute("class")
            .as_deref(),
        Some("gauge-value gauge-critical")
    );

    // Objects: the line at 2,000, and the bars over it are OBJ001's findings (3, not 1).
    assert!(find(&root, "#chart-objects figcaption")
        .text_content()
        .unwrap()
        .contains("the 2,000 threshold"));
    assert_eq!(
        titles(&root, "#chart-objects .threshold title"),
        ["OBJ001 above 2,000"]
    );
    let stored = findings("OBJ001")
        .into_iter()
        .filter(|f| f.message.contains("objects are stored"))
        .count();
    assert_eq!(stored, 3);
    assert_eq!(count(&root, "#chart-objects .bar-over"), 3);

    // Webhooks (no configuration given): the assumed 2 s timeout, ADM001 from 10 % of it,
    // so both webhooks are findings, not only the slower one.
    assert_eq!(
        titles(&root, "#chart-webhooks .threshold title"),
        ["timeout 2.00 s; ADM001 from 200 ms"; 2]
    );
    assert_eq!(findings("ADM001").len(), 2);
    assert_eq!(count(&root, "#chart-webhooks .bar-over"), 2);
    // The page saved the edited settings; the other tests start from none.
    gloo::storage::LocalStorage::delete(cpguard_viewer::state::SETTINGS_KEY);
}

/// Issue 13: the support timeline draws the control plane's and each kubelet minor against the
/// EKS calendar, today marked where the calendar's dates put it; without today, no timeline.
#[wasm_bindgen_test]
async fn support_timeline_marks_today_between_the_calendar_dates() {
    let config = serde_json::to_string(&cpguard_core::Config::default()).unwrap();
    let now = cpguard_core::time::parse("2026-01-15T00:00:00Z");
    let job = Job {
        config: &config,
        metrics: Some(Dump {
            text: sample::METRICS,
            taken_at: None,
        }),
        metrics_later: None,
        cluster: Some(("cluster.yaml", sample::CLUSTER)),
        now,
    };
    let outcome = analysis::run(&job, &mut |_| {});
    let state = State::default()
        .apply(Action::Edit(Slot::Metrics, sample::METRICS.into()))
        .apply(Action::Started)
        .apply(Action::Finished {
            outcome,
            total_ms: 5.0,
        });
    let root = render(state);
    settle().await;
    assert_eq!(
        find(&root, "#chart-support figcaption")
            .text_content()
            .unwrap(),
        "EKS support on 2026-01-15 (calendar compiled 2026-11-29)"
    );
    assert_eq!(
        titles(&root, "#chart-support .chart-note li"),
        [
            "control plane 1.31: extended support (billed extra) to 2026-11-26",
            "kubelets 1.31 (1 node): extended support (billed extra) to 2026-11-26",
            "kubelets 1.28 (1 node): out of support since 2025-11-26",
        ]
    );
    assert_eq!(
        titles(&root, "#chart-support rect title"),
        [
            "1.31: standard support to 2025-11-26",
            "1.31: extended support to 2026-11-26",
            "1.31: standard support to 2025-11-26",
            "1.31: extended support to 2026-11-26",
            "1.28: standard support to 2024-11-26",
            "1.28: extended support to 2025-11-26",
        ]
    );
    // Today lies inside 1.31's extended bar and right of 1.28's.
    let num = |selector: &str, attr: &str| -> f64 {
        find(&root, selector)
            .get_attribute(attr)
            .unwrap()
            .parse()
            .unwrap()
    };
    let today = num("#support-today", "x1");
    let extended = root
        .query_selector_all("#chart-support .support-extended")
        .unwrap();
    let bar = |i: u32, attr: &str| -> f64 {
        extended
            .get(i)
            .unwrap()
            .unchecked_into::<Element>()
            .get_attribute(attr)
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!(
        bar(0, "x") < today && today < bar(0, "x") + bar(0, "width"),
        "{today}"
    );
    assert!(bar(2, "x") + bar(2, "width") < today, "{today}");

    // The same inputs without today: no timeline.
    let root = render(analysed(sample::METRICS, Some(sample::CLUSTER)));
    settle().await;
    assert!(root.query_selector("#chart-support").unwrap().is_none());
}
