"""The look: a calm records-office style on top of Fusion, the same on every platform."""

STYLE = """
QMainWindow, QDialog { background: #f4f6f9; }
#navList { background: #1f3a5f; color: #dfe7f1; border: none; font-size: 11pt; outline: 0; }
#navList::item { padding: 11px 18px; border-left: 3px solid transparent; }
#navList::item:selected { background: #2d5286; color: white; border-left: 3px solid #f0b429; }
#navList::item:hover:!selected { background: #274a78; }
#navHeader { background: #1f3a5f; color: white; font-size: 12pt; font-weight: bold;
             padding: 16px 18px 12px 18px; }
#pageTitle { font-size: 14pt; font-weight: bold; color: #1f3a5f; padding: 4px 0 8px 2px; }
QTabWidget::pane { border: 1px solid #d5dbe3; background: white; top: -1px; }
QTabBar::tab { padding: 7px 18px; background: #e8ecf1; border: 1px solid #d5dbe3;
               border-bottom: none; margin-right: 2px; }
QTabBar::tab:selected { background: white; color: #1f3a5f; font-weight: bold; }
QTableView { background: white; alternate-background-color: #f7f9fb; gridline-color: #e3e8ee;
             selection-background-color: #d6e4f5; selection-color: #1b2a3a; }
QHeaderView::section { background: #eef2f6; padding: 5px 6px; border: none;
                       border-right: 1px solid #dde3ea; border-bottom: 1px solid #d5dbe3;
                       font-weight: bold; color: #34495e; }
QPushButton { padding: 5px 14px; border: 1px solid #b8c4d2; border-radius: 4px;
              background: white; min-height: 20px; }
QPushButton:hover { background: #eef4fb; border-color: #7e9cc0; }
QPushButton:disabled { color: #9aa5b1; background: #f0f2f5; }
QPushButton[primary="true"] { background: #2d5286; color: white; border-color: #2d5286; }
QPushButton[primary="true"]:hover { background: #356098; }
QLineEdit, QPlainTextEdit {
    padding: 4px 6px; border: 1px solid #c3ccd7; border-radius: 4px; background: white; }
QLineEdit:focus, QPlainTextEdit:focus { border-color: #2d5286; }
QComboBox, QDateEdit, QTimeEdit, QSpinBox { min-height: 24px; }
QGroupBox { font-weight: bold; color: #1f3a5f; border: 1px solid #d5dbe3; border-radius: 6px;
            margin-top: 14px; padding: 12px 10px 8px 10px; background: white; }
QGroupBox::title { subcontrol-origin: margin; left: 12px; padding: 0 4px; }
#teamTitle { font-size: 15pt; font-weight: bold; color: #1f3a5f; }
#factsCard { background: #f7f9fc; border: 1px solid #dfe5ec; border-radius: 6px; }
#factName { color: #5d6d7e; }
#sectionTitle { font-weight: bold; color: #34495e; padding-top: 6px; }
#warningBox { background: #fff8e1; border: 1px solid #f5d77b; border-radius: 4px;
              color: #7a5b00; padding: 6px 8px; }
#emptyHint { color: #8595a6; font-size: 12pt; }
#countLabel { color: #5d6d7e; }
#plannedCard { background: white; border: 1px solid #d5dbe3; border-radius: 8px; }
#plannedTitle { font-size: 16pt; font-weight: bold; color: #1f3a5f; }
#plannedBadge { background: #e8f0fb; color: #2d5286; border-radius: 10px; padding: 3px 10px; }
#plannedSummary { font-size: 11pt; color: #34495e; }
#plannedItem { font-size: 11pt; padding-left: 8px; }
#plannedSource { color: #8595a6; }
QStatusBar { background: #e8ecf1; color: #34495e; }
QStatusBar QLabel { padding: 0 8px; }
"""
