"""Layouts (and a check box) that let a screen go as narrow as half of a 1366 px display
(Windows Snap, next to the SIS in a browser) and still look as they always did on the whole
screen."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QRadioButton,
    QSizePolicy,
    QSplitter,
    QStyle,
    QStyleOptionButton,
    QStyleOptionFocusRect,
    QStylePainter,
    QWidget,
)


class FlowLayout(QLayout):
    """Items left to right, a new row when the next one does not fit, like words in a
    paragraph: a bar of filters or buttons that wraps instead of forcing the window wide.

    Items that expand horizontally share what is left of their row (in proportion to their
    size policy's horizontal stretch, when set). An item aligned right
    (`setAlignment(widget, Qt.AlignRight)`) takes the row's leftover space before it instead,
    so it and the items after it end at the right edge. An item wider than the row gets the
    whole row: a word-wrapping label then takes the height it needs for that width."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6, row_spacing: int = 4):
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._row_spacing = row_spacing
        self.setSpacing(spacing)

    # --- QLayout -------------------------------------------------------------------------------
    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt's name
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802 - everything on one row
        items = self._shown()
        width = sum(item.sizeHint().width() for item in items) + self.spacing() * max(len(items) - 1, 0)
        height = max((item.sizeHint().height() for item in items), default=0)
        return QSize(width, height) + self._margins()

    def minimumSize(self) -> QSize:  # noqa: N802 - the widest item alone on a row
        items = self._shown()
        return QSize(max((item.minimumSize().width() for item in items), default=0),
                     max((item.minimumSize().height() for item in items), default=0)) + self._margins()

    # --- arranging -----------------------------------------------------------------------------
    def _shown(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _margins(self) -> QSize:
        m = self.contentsMargins()
        return QSize(m.left() + m.right(), m.top() + m.bottom())

    def _arrange(self, rect: QRect, move: bool) -> int:
        """Place the items in `rect` (or only measure); the height the rows take."""
        area = rect.marginsRemoved(self.contentsMargins())
        gap = self.spacing()
        rows: list[list[tuple[QLayoutItem, int]]] = [[]]
        used = 0
        for item in self._shown():
            width = min(max(item.sizeHint().width(), item.minimumSize().width()), area.width())
            if rows[-1] and used + gap + width > area.width():
                rows.append([])
                used = 0
            used += (gap if rows[-1] else 0) + width
            rows[-1].append((item, width))
        y = area.y()
        for row in filter(None, rows):
            spare = area.width() - sum(width for _, width in row) - gap * (len(row) - 1)
            weights = [_stretch(item) if item.expandingDirections() & Qt.Orientation.Horizontal else 0
                       for item, _ in row]
            growing = sum(weights)
            widths = [width + (spare * weight // growing if growing else 0)
                      for (_, width), weight in zip(row, weights)]
            heights = [item.heightForWidth(width) if item.hasHeightForWidth() else item.sizeHint().height()
                       for (item, _), width in zip(row, widths)]
            x = area.x()
            for (item, _), width in zip(row, widths):
                if not growing and item.alignment() & Qt.AlignmentFlag.AlignRight:
                    x, spare = x + spare, 0
                if move:
                    item.setGeometry(QRect(QPoint(x, y), QSize(width, max(heights))))
                x += width + gap
            y += max(heights) + self._row_spacing
        return max(y - self._row_spacing - area.y(), 0) + self._margins().height()


def _stretch(item: QLayoutItem) -> int:
    widget = item.widget()
    return (widget.sizePolicy().horizontalStretch() if widget is not None else 0) or 1


class AdaptiveSplitter(QSplitter):
    """Panes side by side when the splitter is at least `side_by_side` px wide and each pane
    has its minimum width, one above the other when not: so it never holds the window wide.
    Each way keeps the sizes the user last dragged it to; the first time, `sizes` (side by
    side) or `stacked_sizes` give the proportions."""

    def __init__(self, side_by_side: int, sizes: list[int], stacked_sizes: list[int]):
        super().__init__(Qt.Orientation.Horizontal)
        self.setChildrenCollapsible(False)
        self._side_by_side = side_by_side
        self._sizes = {Qt.Orientation.Horizontal: sizes, Qt.Orientation.Vertical: stacked_sizes}
        self._placed = False

    def _min_widths(self) -> list[int]:
        panes = [self.widget(i) for i in range(self.count())]
        return [max(pane.minimumSizeHint().width(), pane.minimumWidth()) for pane in panes if not pane.isHidden()]

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name: the panes' when stacked
        return QSize(max(self._min_widths(), default=0), super().minimumSizeHint().height())

    def _adapt(self, width: int) -> None:
        widths = self._min_widths()
        room = max(self._side_by_side, sum(widths) + self.handleWidth() * (len(widths) - 1))
        wanted = Qt.Orientation.Horizontal if width >= room else Qt.Orientation.Vertical
        if wanted != self.orientation() or not self._placed:
            if self._placed:
                self._sizes[self.orientation()] = self.sizes()
            self.setOrientation(wanted)
            self.setSizes(self._sizes[wanted])
            self._placed = True

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._adapt(event.size().width())
        super().resizeEvent(event)

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.LayoutRequest and self._placed:  # a pane's minimum changed
            self._adapt(self.width())
        return super().event(event)


def group(*widgets: QWidget, spacing: int = 6) -> QWidget:
    """Widgets side by side that a FlowLayout keeps on one row: a caption and its field, a
    set of buttons."""
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(spacing)
    for widget in widgets:
        layout.addWidget(widget)
    return box


class WrapCheckBox(QCheckBox):
    """A check box whose text wraps onto more lines when the window is narrow (a QCheckBox's
    own text never wraps, so a long one holds the window wide). The box is ticked, focused and
    named like any check box; a click anywhere on it, text included, toggles it."""

    def __init__(self, text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        style = self.style()
        indent = (style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth)
                  + style.pixelMetric(QStyle.PixelMetric.PM_CheckBoxLabelSpacing))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(indent, 2, 2, 2)
        layout.addWidget(self.label)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's names from here on
        return self.layout().sizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self.layout().minimumSize()

    def hitButton(self, pos: QPoint) -> bool:  # noqa: N802
        return self.rect().contains(pos)

    def paintEvent(self, event) -> None:  # noqa: N802 - the box beside the first line
        painter = QStylePainter(self)
        option = QStyleOptionButton()
        self.initStyleOption(option)
        option.state &= ~QStyle.StateFlag.State_HasFocus
        option.rect.setHeight(self.label.y() * 2 + self.label.fontMetrics().height())
        painter.drawControl(QStyle.ControlElement.CE_CheckBox, option)
        if self.hasFocus():
            focus = QStyleOptionFocusRect()
            focus.initFrom(self)
            focus.rect = self.label.geometry().adjusted(-2, -1, 2, 1)
            painter.drawPrimitive(QStyle.PrimitiveElement.PE_FrameFocusRect, focus)


class RadioButton(QRadioButton):
    """An option of a group. The arrow keys choose, as in other programs: moving to the next
    option selects it even when none was selected yet (Qt's own only moves the focus then)."""

    ARROWS = {Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down}

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().keyPressEvent(event)
        moved_to = QApplication.focusWidget()
        if event.key() in self.ARROWS and moved_to is not self and isinstance(moved_to, QRadioButton) \
                and not moved_to.isChecked() and self._same_group(moved_to):
            moved_to.click()

    def _same_group(self, other: QRadioButton) -> bool:
        if self.group() is not None:
            return other.group() is self.group()
        return self.autoExclusive() and other.parentWidget() is self.parentWidget()
