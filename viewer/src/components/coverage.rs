//! "What was checked": every check of the registry, whether it ran on these inputs, and what
//! it lacked when it did not.

use crate::model;
use crate::state::Loaded;
use cpguard_core::report::CoverageStatus;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub loaded: Rc<Loaded>,
}

#[function_component(Coverage)]
pub fn coverage(props: &Props) -> Html {
    let report = &props.loaded.report;
    let (ran, all) = report.evaluated();
    let rows: Html = model::coverage_rows(report)
        .into_iter()
        .map(|row| {
            let class = match row.status {
                CoverageStatus::Evaluated => "ok",
                CoverageStatus::NoData => "level-warning",
                CoverageStatus::NotApplicable => "muted",
            };
            html! {
                <tr>
                    <td class="check">{row.check}</td>
                    <td>{row.title}</td>
                    <td class={class}>{row.status.as_str()}</td>
                    <td>{row.reason}</td>
                </tr>
            }
        })
        .collect();
    html! {
        <details class="coverage" id="coverage">
            <summary>{format!("What was checked: {ran} of {all} checks could run")}</summary>
            <table id="coverage-table">
                <thead><tr>
                    <th scope="col">{"Check"}</th>
                    <th scope="col">{"Title"}</th>
                    <th scope="col">{"Status"}</th>
                    <th scope="col">{"Why not"}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </details>
    }
}
