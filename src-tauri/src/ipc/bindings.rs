//! Generates `ui/src/ipc/bindings.ts` from the IPC types. `cargo test -p partner-workbench`
//! checks the committed file; `PWB_UPDATE_BINDINGS=1` rewrites it.

use ts_rs::{Config, TS};

use super::*;

const HEADER: &str = "// This file is generated from the Rust types in src-tauri/src/ipc by `cargo test -p partner-workbench`. Do not edit.\n";

/// The whole bindings file: every IPC type, in dependency order.
pub fn render() -> String {
    let cfg = Config::default();
    let decls = [
        ReviewStatus::decl(&cfg),
        AppType::decl(&cfg),
        RenderKind::decl(&cfg),
        NewAppForm::decl(&cfg),
        AppFieldsForm::decl(&cfg),
        FieldProblem::decl(&cfg),
        VersionRow::decl(&cfg),
        AppRow::decl(&cfg),
        AppList::decl(&cfg),
        SyncState::decl(&cfg),
        SyncStatus::decl(&cfg),
        UrlKind::decl(&cfg),
        AssetKind::decl(&cfg),
        PlanKind::decl(&cfg),
        LicenseKind::decl(&cfg),
        EmailForm::decl(&cfg),
        UrlForm::decl(&cfg),
        AssetForm::decl(&cfg),
        SupportForm::decl(&cfg),
        PlanForm::decl(&cfg),
        GeneralForm::decl(&cfg),
        TechnicalForm::decl(&cfg),
        MarketplaceForm::decl(&cfg),
        VersionForm::decl(&cfg),
        Track::decl(&cfg),
        Part::decl(&cfg),
        PartLock::decl(&cfg),
        ActionKind::decl(&cfg),
        ReviewActionView::decl(&cfg),
        VersionView::decl(&cfg),
        Saved::decl(&cfg),
        ChangeKind::decl(&cfg),
        QueuedChange::decl(&cfg),
        ValueForm::decl(&cfg),
        ConflictView::decl(&cfg),
        LocalState::decl(&cfg),
        ConflictChoice::decl(&cfg),
        SubmissionPreview::decl(&cfg),
        SubmitCheck::decl(&cfg),
        SyncStage::decl(&cfg),
        SyncProgress::decl(&cfg),
        Severity::decl(&cfg),
        RuleSource::decl(&cfg),
        Diagnostic::decl(&cfg),
        NotChecked::decl(&cfg),
        Suppressed::decl(&cfg),
        NotApplied::decl(&cfg),
        ValidationReport::decl(&cfg),
        PreviewSource::decl(&cfg),
        Access::decl(&cfg),
        TokenVault::decl(&cfg),
        SignedInAccount::decl(&cfg),
        AccountView::decl(&cfg),
        Folders::decl(&cfg),
        SignInStarted::decl(&cfg),
        SignInState::decl(&cfg),
        SignInEvent::decl(&cfg),
        SignOutResult::decl(&cfg),
        ProfileKind::decl(&cfg),
        CurrentProfile::decl(&cfg),
        ProfileRow::decl(&cfg),
        ProfileList::decl(&cfg),
        NewProfileForm::decl(&cfg),
        Switched::decl(&cfg),
        Decision::decl(&cfg),
        Feedback::decl(&cfg),
        TimelineKind::decl(&cfg),
        TimelineEvent::decl(&cfg),
        TimelineView::decl(&cfg),
        OutcomeView::decl(&cfg),
        NotificationsUnavailable::decl(&cfg),
        OpenOutcome::decl(&cfg),
        OpenInstallation::decl(&cfg),
        NotificationKind::decl(&cfg),
        NotificationPrefs::decl(&cfg),
        InstallationState::decl(&cfg),
        UpdateState::decl(&cfg),
        Waiting::decl(&cfg),
        Badge::decl(&cfg),
        BadgeView::decl(&cfg),
        InstallationRow::decl(&cfg),
        DecidedInstallation::decl(&cfg),
        InstallationDecisionKind::decl(&cfg),
        OAuthClientRow::decl(&cfg),
        CreatedClientView::decl(&cfg),
        PartnerAccountView::decl(&cfg),
        InstallLinkView::decl(&cfg),
        ErrorCode::decl(&cfg),
        CommandError::decl(&cfg),
    ];
    let mut out = String::from(HEADER);
    for decl in decls {
        out.push_str("\nexport ");
        out.push_str(&decl);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    #[test]
    fn generated_bindings_are_up_to_date() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/ipc/bindings.ts");
        let expected = super::render();
        if std::env::var_os("PWB_UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &expected).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == expected,
            "ui/src/ipc/bindings.ts is stale: run `PWB_UPDATE_BINDINGS=1 cargo test -p partner-workbench` and commit it"
        );
    }
}
