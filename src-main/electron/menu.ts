import { Menu, type MenuItemConstructorOptions } from 'electron';
import type { MenuAction, MenuItemSpec } from '../desktop/menu';

/** desktop/menu.ts's data as Electron's menu: roles stay roles, actions go to `run`. */
function toTemplate(spec: MenuItemSpec[], run: (action: MenuAction) => void): MenuItemConstructorOptions[] {
  return spec.map((item): MenuItemConstructorOptions => {
    if (item.separator) return { type: 'separator' };
    const action = item.action;
    return {
      label: item.label,
      accelerator: item.accelerator,
      role: item.role as MenuItemConstructorOptions['role'],
      submenu: item.submenu ? toTemplate(item.submenu, run) : undefined,
      click: action ? () => run(action) : undefined,
    };
  });
}

export function installMenu(spec: MenuItemSpec[], run: (action: MenuAction) => void): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(toTemplate(spec, run)));
}
