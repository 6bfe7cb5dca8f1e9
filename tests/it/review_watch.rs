//! `review --watch` on TestBackend: the header says "watching", and a file that lands while
//! the screen is open shows up at once and is saved.

use dailies_qc::tui::model::Model;
use dailies_qc::tui::update::{Effect, Msg, update};
use dailies_qc::tui::{sample, views};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn screen(model: &Model) -> String {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    terminal.draw(|f| views::draw(f, model)).expect("draw");
    terminal.backend().to_string()
}

fn model(files: usize) -> Model {
    Model::new(
        sample::spec_info(),
        "alice".into(),
        Some(sample::report(files)),
        sample::fixed_clock,
    )
}

#[test]
fn the_header_says_watching_only_when_watching() {
    let mut watching = model(2);
    assert!(!screen(&watching).contains("watching"));
    watching.watching = true;
    let header = screen(&watching);
    let first_line = header.lines().next().expect("header line");
    assert!(first_line.contains("watching"), "{header}");
}

#[test]
fn a_file_that_lands_is_listed_and_saved() {
    let mut watching = model(2);
    watching.watching = true;
    let landed = sample::file(7);
    let name = landed.name().to_owned();
    assert!(!screen(&watching).contains(&name));
    let effects = update(&mut watching, Msg::Checked(Box::new(landed)));
    assert_eq!(effects, vec![Effect::Save]);
    assert_eq!(watching.entries.len(), 3);
    assert_eq!(watching.visible.len(), 3, "the new file is on the list");
    assert!(screen(&watching).contains(&name), "{}", screen(&watching));
}
