"""The Pathway page: part-time courses or a full-time virtual program."""

from __future__ import annotations

from mocap_desktop import core
from mocap_desktop.ui.presenters.wizard.context import PagePresenter


class PathwayPagePresenter(PagePresenter):
    key = "pathway"
    fields = ("pathway",)

    def choose(self, pathway: str) -> None:
        if pathway not in core.model.PATHWAYS:
            raise ValueError(pathway)
        if pathway != self.state.pathway:
            self.state.pathway = pathway
            self.state.acknowledgements = []
            self.ctx.evaluation = None
        self.ctx.show_error("pathway", "")

    def check(self) -> dict[str, str]:
        if self.state.pathway not in core.model.PATHWAYS:
            return {"pathway": "Choose part-time courses or a full-time virtual program."}
        return {}
