//! `profile_format` and `prompt_format`: known tokens whose labels are
//! configured, characters a profile name or a terminal can take, and
//! `{stage}` in both.

use std::ops::Range;

use super::{TopLevel, Written};
use crate::config::parse::Walker;
use crate::config::{FORMAT_TOKENS, FormatPiece, format_pieces, rules};
use crate::text::suggest;

impl Walker {
    pub(super) fn formats(&mut self, top: &TopLevel<'_, '_>) {
        let configured = |token: &str| match token {
            "tenant" => top.tenant.is_some(),
            "environment" => top.environment.is_some(),
            _ => true,
        };
        if let Some(w) = &top.profile_format {
            self.format("profile_format", w, &configured, true);
        }
        if let Some(w) = &top.prompt_format {
            self.format("prompt_format", w, &configured, false);
        }
    }

    /// `profile_format` and `prompt_format`: known tokens whose labels are configured.
    fn format(
        &mut self,
        key: &str,
        w: &Written,
        configured: &dyn Fn(&str) -> bool,
        is_profile: bool,
    ) {
        let (value, span) = (w.value.as_str(), &w.span);
        for piece in format_pieces(value) {
            match piece {
                // How long the session holds: the prompt's only.
                FormatPiece::Token("left") if !is_profile => {}
                FormatPiece::Token(token) if !FORMAT_TOKENS.contains(&token) => {
                    let fix = match suggest::closest(token, FORMAT_TOKENS) {
                        Some(close) => format!("did you mean {{{close}}}?"),
                        None if is_profile => "the tokens are {namespace} {tenant} {environment} {stage}".to_string(),
                        None => "the tokens are {namespace} {tenant} {environment} {stage} {left}".to_string(),
                    };
                    self.error(span.clone(), format!("unknown token {{{token}}} in `{key}`"), fix);
                }
                FormatPiece::Token(token) if !configured(token) => self.error(
                    span.clone(),
                    format!("`{key}` uses {{{token}}} but `{token}` is not configured"),
                    format!("add `{token} = \"...\"` at the top of the file, or remove {{{token}}}"),
                ),
                FormatPiece::Text(text) if is_profile && !text.chars().all(rules::is_profile_char) => self.error(
                    span.clone(),
                    format!("`{key}` {value:?} would make profile names with characters AWS config files cannot hold"),
                    "use letters, digits and _.@+=,- between the tokens",
                ),
                FormatPiece::Text(text) if text.chars().any(char::is_control) => self.error(
                    span.clone(),
                    format!("`{key}` holds a control character (an escape sequence or a newline)"),
                    "write the text plainly; acct adds the colour itself",
                ),
                FormatPiece::Text(text) => self.invisible(key, text, span),
                _ => {}
            }
        }
        self.format_has_stage(key, value, span, is_profile);
    }

    /// Bidi overrides and isolates, zero-width and other invisible
    /// characters reorder or hide the text around them on a terminal: a
    /// prompt could show another stage than the one you are in.
    fn invisible(&mut self, key: &str, text: &str, span: &Range<usize>) {
        if let Some(c) = text.chars().find(|c| crate::text::printable::is_hidden(*c)) {
            self.error(
                span.clone(),
                format!(
                    "`{key}` holds the invisible character U+{:04X}, which reorders or hides text on a terminal",
                    u32::from(c)
                ),
                "remove it and write the text plainly",
            );
        }
    }

    /// A profile name without the stage would be every stage's; a prompt
    /// segment without it would not say which stage you are in.
    fn format_has_stage(&mut self, key: &str, value: &str, span: &Range<usize>, is_profile: bool) {
        if value.contains("{stage}") {
            return;
        }
        if is_profile {
            self.error(
                span.clone(),
                format!(
                    "`{key}` {value:?} has no {{stage}}, so every stage would get the same profile"
                ),
                "include {stage}, e.g. \"{namespace}-{stage}-admin\"",
            );
        } else {
            self.error(
                span.clone(),
                format!(
                    "`{key}` {value:?} has no {{stage}}, so the prompt would not show which stage you are in"
                ),
                "include {stage}, e.g. \"[{namespace}-{stage}]\"",
            );
        }
    }
}
